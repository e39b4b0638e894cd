// The EVTX corpus (../shared/corpus/evtx): files, reference dumps, and what the README says
// about each file. Read-only; never copied into the repo.

import fs from 'node:fs';
import path from 'node:path';
import { corpus } from '../helpers/corpus.js';

export const EVTX_DIR = corpus('evtx');

export interface ExpectedRecord {
  recordId: number;
  eventId: number;
  provider: string;
  channel: string;
  computer: string;
  timeCreated: string;
  data: Record<string, string>;
}

export interface CorpusFile {
  /** e.g. `parser-samples/security.evtx` */
  rel: string;
  name: string;
  path: string;
  /** The reference dump: its lines as stored, and parsed. */
  dumpLines: string[];
  expected: ExpectedRecord[];
  /** `.partial.jsonl`: libevtx recovered fewer records than a correct parser should. */
  partial: boolean;
}

export function corpusFiles(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const dir of ['parser-samples', 'attack']) {
    for (const name of fs.readdirSync(path.join(EVTX_DIR, dir)).sort()) {
      if (!name.endsWith('.evtx')) continue;
      const dumps = fs.readdirSync(path.join(EVTX_DIR, 'expected', dir)).filter((d) => d === `${name}.jsonl` || d === `${name}.partial.jsonl`);
      const dump = dumps[0];
      if (dump === undefined) throw new Error(`no reference dump for ${dir}/${name}`);
      const dumpLines = fs
        .readFileSync(path.join(EVTX_DIR, 'expected', dir, dump), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      out.push({
        rel: `${dir}/${name}`,
        name,
        path: path.join(EVTX_DIR, dir, name),
        dumpLines,
        expected: dumpLines.map((l) => JSON.parse(l) as ExpectedRecord),
        partial: dump.endsWith('.partial.jsonl'),
      });
    }
  }
  return out;
}

/**
 * Record counts a correct parser reaches without carving (option `recover: false`), where the
 * README says libevtx's dump is short: the Rust crate's counts (its records that parse, e.g.
 * the bad-magic file's 270 = the 267 libevtx records + 3 whose tails were zeroed). For
 * MSExchange_Management_wec.evtx and issue_201.evtx (the same bytes) libevtx and python-evtx
 * read nothing: the one record is stored as plain elements without template or dependency
 * identifiers, which decodes fully (see corpus.test.ts for its values).
 */
export const PARTIAL_COUNTS: Record<string, number> = {
  'sample_with_a_bad_chunk_magic.evtx': 270,
  'Microsoft-Windows-HelloForBusiness%4Operational.evtx': 6,
  'Microsoft-Windows-LanguagePackSetup%4Operational.evtx': 17,
  'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 340,
  'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': 459,
  'MSExchange_Management_wec.evtx': 1,
  'issue_201.evtx': 1,
};

/**
 * Records carved by the default reader (`recover: true`) beyond the counts above: records a
 * corrupted chunk still holds after the corruption, or in chunks whose header is lost.
 */
export const CARVED_COUNTS: Record<string, number> = {
  // 114 intact records (4-117) after the zero-size record 3 in chunk 0.
  'sample-with-zero-data-size-event.evtx': 114,
  // Chunk 6 (header zeroed): 15; chunk 7 after the damaged 47640: 31; chunk 10 (header zeroed): 67.
  'sample_with_a_bad_chunk_magic.evtx': 113,
};

export interface Deviation {
  file: string;
  recordId: number;
  /** The field or data key, what the dump says, and what the event says. */
  field: 'eventId' | 'channel' | `data.${string}`;
  dump: string | number;
  ours: string | number;
  why: string;
}

const LAST_TAG = 'the dump took the last element with this tag anywhere in the event (a UserData child), not System';
const CONTROL = 'the value is U+0003 as stored; the dump went through XML, which cannot hold that character';

/** Where the reference dumps are demonstrably wrong; every other value must match exactly. */
export const DEVIATIONS: Deviation[] = [
  { file: 'Security_with_size_t.evtx', recordId: 119, field: 'eventId', dump: 4647, ours: 1108, why: LAST_TAG },
  { file: 'Security_with_size_t.evtx', recordId: 120, field: 'eventId', dump: 4616, ours: 1108, why: LAST_TAG },
  { file: 'Security_with_size_t.evtx', recordId: 121, field: 'eventId', dump: 4634, ours: 1108, why: LAST_TAG },
  { file: 'system.evtx', recordId: 1847, field: 'channel', dump: 'Microsoft-Windows-Sysmon/Operational', ours: 'System', why: LAST_TAG },
  { file: 'system.evtx', recordId: 1848, field: 'channel', dump: 'Microsoft-Windows-Sysmon/Operational', ours: 'System', why: LAST_TAG },
  ...['security.evtx', 'security_bad_string_cache.evtx'].flatMap((file) =>
    ['MinPasswordAge', 'LockoutThreshold'].map(
      (key): Deviation => ({ file, recordId: 55, field: `data.${key}`, dump: '', ours: '\u0003', why: CONTROL }),
    ),
  ),
];
