// One file or archive member → batches of outcomes ready for the writer: records mapped and
// encoded (store/wire.ts), skips with their reason, bad records with their location. Pure
// work with no database, so it runs on the importing thread or in a parse worker.
import { toWire, type WireRecord } from '../store/wire.js';
import type { Detection } from './detect.js';
import { isBad, openRecordStream, UNREAD, type FileNote } from './record-stream.js';
import { RecordError } from './mappers/types.js';
import { openFileSource, type ByteSource, type SourceEnd } from './text/byte-source.js';
import { isMember, type SourceRef } from './archive/refs.js';
import type { HostHint } from './archive/layout.js';
import type { UnpackClient } from './archive/unpack-client.js';

export type Outcome =
  | ['r', string, WireRecord]
  /** A valid record the hunt does not use: [, ref, reason]. */
  | ['s', string, string]
  /** A bad record: [, ref, reason, detail]. */
  | ['e', string, string, string | null];

export interface Batch {
  outcomes: Outcome[];
  bytesRead: number;
  /** The batch's number in the file (records seq × BATCH_RECORDS on): parts of a split file interleave by it. */
  seq: number;
}

/**
 * One of `of` parse workers reading the same file (decision 55): every worker reads
 * every record's bounds, but parses and maps only the batches whose number is `index`
 * modulo `of`; the importing thread takes the batches in number order, so the records
 * are stored in file order as ever.
 */
export interface ParsePart {
  index: number;
  of: number;
}

export interface ParseEnd {
  format: string;
  notes: FileNote[];
  bytesRead: number;
  /** An archive member's SHA-256 and damage, known once it was read to its end. */
  source: SourceEnd | null;
}

/** What to parse: plain data, so it crosses to a parse worker as it is. */
export interface ParseInput {
  ref: SourceRef;
  det: Detection;
  /** Uncompressed size (members: as the container declares it). */
  size: number | null;
  hostHint: HostHint | null;
  /** Set when the file is split between parse workers. */
  part?: ParsePart;
}

/** Opens a file on disk, or a member through the unpack worker. */
export function sourceOpener(unpack: UnpackClient | null): (input: ParseInput) => ByteSource {
  return (input) => {
    if (!isMember(input.ref)) return openFileSource(input.ref.file);
    if (!unpack) throw new Error('an archive member needs the unpack worker');
    return unpack.open(input.ref, input.size);
  };
}

const BATCH_RECORDS = 250;

/** Parses and maps a whole file or member, handing out batches; returns what is known at the end. */
export function parseFile(input: ParseInput, open: (input: ParseInput) => ByteSource, emit: (b: Batch) => void): ParseEnd {
  const part = input.part;
  const mine = part ? (record: number) => Math.floor(record / BATCH_RECORDS) % part.of === part.index : undefined;
  const stream = openRecordStream({ open: () => open(input), hostHint: input.hostHint, wanted: mine }, input.det);
  let outcomes: Outcome[] = [];
  let record = 0;
  try {
    for (const rec of stream.records) {
      const n = record++;
      // Another part's record: unread where the layout can skip it, else read and left unmapped.
      if (rec === UNREAD || (mine && !mine(n))) continue;
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
      if (record % BATCH_RECORDS === 0) {
        emit({ outcomes, bytesRead: stream.bytesRead(), seq: Math.floor(n / BATCH_RECORDS) });
        outcomes = [];
      }
    }
    if (outcomes.length) emit({ outcomes, bytesRead: stream.bytesRead(), seq: Math.floor((record - 1) / BATCH_RECORDS) });
    return { format: stream.format(), notes: [...stream.notes], bytesRead: stream.bytesRead(), source: stream.end() };
  } finally {
    stream.close();
  }
}
