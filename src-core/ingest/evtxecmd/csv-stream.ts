// EvtxECmd CSV → source records (format `evtxecmd-csv`). Columns are found by name; each
// row is mapped by map.ts, the Payload parsed only for the events the hunt uses.
import { readCsv } from '../csv/csv-reader.js';
import type { BadRecord, FileNote, RecordStream, SourceRecord, StreamInput } from '../record-stream.js';
import { HostNames } from '../host-names.js';
import { EVTXECMD_FIELDS, fieldIndexes } from './format.js';
import { mapEvtxECmd, type EvtxECmdFields } from './map.js';

/** TimeCreated to at least the millisecond: what the duplicate key compares (store/wire.ts). */
const MS_TIME = /\d\d:\d\d:\d\d[.,]\d{3}/;

export function evtxecmdCsvStream(input: StreamInput): RecordStream {
  const source = input.open();
  const hosts = new HostNames(input.hostHint);
  const reader = readCsv(source);
  const at = fieldIndexes(reader.header ?? []);
  const notes: FileNote[] = [];
  function* records(): Generator<SourceRecord | BadRecord> {
    let coarse = false;
    for (const row of reader) {
      const ref = `line ${row.line}`;
      if (row.error !== undefined) {
        yield { ref, reason: 'malformed CSV row', detail: row.error };
        continue;
      }
      const f: EvtxECmdFields = {};
      for (const name of EVTXECMD_FIELDS) {
        const i = at[name];
        if (i >= 0) f[name] = row.fields[i];
      }
      if (!coarse && typeof f.TimeCreated === 'string' && f.TimeCreated !== '' && !MS_TIME.test(f.TimeCreated)) {
        // Decision 43: EvtxECmd --dt with fewer digits than its default 7.
        notes.push({
          level: 'warning',
          reason: 'TimeCreated has less than millisecond precision (EvtxECmd --dt): Security and System records will not match the same records imported from EVTX',
          ref,
        });
        coarse = true;
      }
      yield { ref, map: () => mapEvtxECmd({ ...f, Computer: hosts.of(typeof f.Computer === 'string' ? f.Computer : null) ?? '' }, ref) };
    }
    notes.push(...hosts.notes());
  }
  return {
    format: () => 'evtxecmd-csv',
    records: records(),
    notes,
    bytesRead: () => source.bytesRead,
    close: () => source.close(),
    end: () => source.end?.() ?? null,
  };
}
