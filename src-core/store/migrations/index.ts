// Every schema step, in order. Append only: a released migration never changes.
import type { Migration } from './types.js';
import { initial } from './001-initial.js';
import { defaults } from './002-defaults.js';
import { serviceAttributes } from './003-service-attributes.js';
import { hostTimeIndex } from './004-host-time-index.js';
import { servicePath } from './005-service-path.js';
import { archiveMembers } from './006-archive-members.js';
import { verdictsCoverage } from './007-verdicts-coverage.js';
import { recordKeyLayout } from './008-record-key-layout.js';

export const MIGRATIONS: readonly Migration[] = [initial, defaults, serviceAttributes, hostTimeIndex, servicePath, archiveMembers, verdictsCoverage, recordKeyLayout];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
