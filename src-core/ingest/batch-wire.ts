// A batch as it crosses from a parse worker to the importing thread: one flat array of
// primitives instead of an array of outcomes, each record an object holding arrays.
// The importing thread is the one SQLite writer and the import's path, and taking a
// message in (V8's deserializer) cost it about as much per object or array as per
// string: unpacking a flat array there into the same outcomes is cheaper than
// deserializing them, and packing is cheaper for the worker than the nested clone
// (decision 76). Only the transport changes: the importing thread gets back exactly
// the batch the parser made.
import type { Batch, Outcome } from './parse-file.js';
import type { WireItem } from '../store/wire.js';

type Cell = string | number | null;

/** A batch in transit: `flat` holds its outcomes in order (see packBatch). */
export interface PackedBatch {
  flat: Cell[];
  bytesRead: number;
  seq: number;
}

/** Marks a record in `flat`; anything else starts with its own length (≥ 0). */
const RECORD = -1;

/**
 * Flattens a batch's outcomes: a record is RECORD, ref, key, its number of items, then
 * each item as its length and its values; a skip or a bad record is its length, then
 * its elements (tag first).
 */
export function packBatch(b: Batch): PackedBatch {
  const f: Cell[] = [];
  for (const o of b.outcomes) {
    if (o[0] !== 'r') {
      f.push(o.length);
      for (let i = 0; i < o.length; i++) f.push(o[i] as Cell);
      continue;
    }
    const items = o[2].items;
    f.push(RECORD, o[1], o[2].key, items.length);
    for (const w of items) {
      f.push(w.length);
      for (let i = 0; i < w.length; i++) f.push(w[i] as Cell);
    }
  }
  return { flat: f, bytesRead: b.bytesRead, seq: b.seq };
}

/** The batch packBatch was given. Throws on a malformed array (a protocol error). */
export function unpackBatch(p: PackedBatch): Batch {
  const f = p.flat;
  const outcomes: Outcome[] = [];
  let i = 0;
  while (i < f.length) {
    const n = f[i++];
    if (typeof n !== 'number' || n < RECORD || i + (n === RECORD ? 3 : n) > f.length) throw new Error(`parse worker protocol: bad batch cell at ${i - 1}`);
    if (n !== RECORD) {
      outcomes.push(f.slice(i, i + n) as Outcome);
      i += n;
      continue;
    }
    const ref = f[i++] as string;
    const key = f[i++] as string | null;
    const count = f[i++] as number;
    const items: WireItem[] = new Array<WireItem>(count);
    for (let j = 0; j < count; j++) {
      const len = f[i++] as number;
      if (i + len > f.length) throw new Error(`parse worker protocol: bad batch item at ${i - 1}`);
      items[j] = f.slice(i, i + len) as WireItem;
      i += len;
    }
    outcomes.push(['r', ref, { key, items }]);
  }
  return { outcomes, bytesRead: p.bytesRead, seq: p.seq };
}
