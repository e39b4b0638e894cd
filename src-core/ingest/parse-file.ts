// One file or archive member → batches of outcomes ready for the writer: records mapped and
// encoded (store/wire.ts), skips with their reason, bad records with their location. Pure
// work with no database, so it runs on the importing thread or in a parse worker.
import { isImpliedWire, toWire, type WireItem, type WireRecord } from '../store/wire.js';
import type { Detection } from './detect.js';
import { isBad, openRecordStream, UNREAD, type FileNote } from './record-stream.js';
import { RecordError } from './mappers/types.js';
import { ImpliedMemo } from './implied-memo.js';
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
  /** Hand out every implied process, repeats too (a file read again; decision 71). */
  everyImplied?: boolean;
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

/**
 * Drops the implied processes this file has already handed out (decision 71). Defender
 * repeats a process's InitiatingProcess* columns on every event it caused (90 % of the
 * fleet's implied items are repeats), and the writer stores only the first of each: the
 * rest would only cross threads to be dropped there. An implied process without a key
 * is never dropped (the writer stores each of those). The writer stores nothing of a
 * duplicate record, so when the first record naming a process is one and the case does
 * not hold that process's implied row, it asks for the file again with every implied
 * process (`ParseInput.everyImplied`): what is stored is exactly what it was.
 */
function impliedFilter(memo: ImpliedMemo): (record: WireRecord) => WireRecord {
  const fresh = (w: WireItem): boolean => !isImpliedWire(w) || typeof w[5] !== 'string' || memo.add(w[1], w[5]);
  return (record) => {
    const items = record.items;
    for (let i = 0; i < items.length; i++) {
      if (!fresh(items[i]!)) return { key: record.key, items: items.filter((w, j) => j < i || (j > i && fresh(w))) };
    }
    return record;
  };
}

/** Parses and maps a whole file or member, handing out batches; returns what is known at the end. */
export function parseFile(input: ParseInput, open: (input: ParseInput) => ByteSource, emit: (b: Batch) => void): ParseEnd {
  const part = input.part;
  const mine = part ? (record: number) => Math.floor(record / BATCH_RECORDS) % part.of === part.index : undefined;
  // The mapper skips building what the filter would drop (decision 72).
  const memo = input.everyImplied ? undefined : new ImpliedMemo();
  const stream = openRecordStream({ open: () => open(input), hostHint: input.hostHint, wanted: mine, implied: memo }, input.det);
  const fresh = memo ? impliedFilter(memo) : (r: WireRecord) => r;
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
          outcomes.push('skip' in mapped ? ['s', rec.ref, mapped.skip] : ['r', rec.ref, fresh(toWire(mapped.items))]);
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
