// Every schema step, in order. Append only: a released migration never changes.
import type { Migration } from './types.js';
import { initial } from './001-initial.js';
import { defaults } from './002-defaults.js';

export const MIGRATIONS: readonly Migration[] = [initial, defaults];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
