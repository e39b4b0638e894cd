// One file → batches of outcomes ready for the writer: records mapped and encoded
// (store/wire.ts), skips with their reason, bad records with their location. Pure
// work with no database, so it runs on the importing thread or in a parse worker.
import { toWire, type WireRecord } from '../store/wire.js';
import type { Detection } from './detect.js';
import { isBad, openRecordStream, type FileNote } from './record-stream.js';
import { RecordError } from './mappers/types.js';

export type Outcome =
  | ['r', string, WireRecord]
  /** A valid record the hunt does not use: [, ref, reason]. */
  | ['s', string, string]
  /** A bad record: [, ref, reason, detail]. */
  | ['e', string, string, string | null];

export interface Batch {
  outcomes: Outcome[];
  bytesRead: number;
}

export interface ParseEnd {
  format: string;
  notes: FileNote[];
  bytesRead: number;
}

const BATCH_RECORDS = 250;

/** Parses and maps a whole file, handing out batches; returns what is known at the end. */
export function parseFile(path: string, det: Detection, emit: (b: Batch) => void): ParseEnd {
  const stream = openRecordStream(path, det);
  let outcomes: Outcome[] = [];
  try {
    for (const rec of stream.records) {
      if (isBad(rec)) {
        outcomes.push(['e', rec.ref, rec.reason, rec.detail]);
      } else {
        try {
          const mapped = rec.map();
          outcomes.push('skip' in mapped ? ['s', rec.ref, mapped.skip] : ['r', rec.ref, toWire(mapped.items)]);
        } catch (err) {
          if (err instanceof RecordError) outcomes.push(['e', rec.ref, err.message, err.detail]);
          else outcomes.push(['e', rec.ref, 'record could not be mapped', (err as Error).message]);
        }
      }
      if (outcomes.length >= BATCH_RECORDS) {
        emit({ outcomes, bytesRead: stream.bytesRead() });
        outcomes = [];
      }
    }
    if (outcomes.length) emit({ outcomes, bytesRead: stream.bytesRead() });
    return { format: stream.format(), notes: [...stream.notes], bytesRead: stream.bytesRead() };
  } finally {
    stream.close();
  }
}
