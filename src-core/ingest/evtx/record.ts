// Event records ("Event record"): decoding one record's BinXML into normalized fields (fast
// path first, generic path as fallback), the record and skipped-record shapes, and the
// on-demand renderers.

import { TOKEN, newValueTable, type XChild } from './binxml-tokens.js';
import { readInstance } from './binxml-parser.js';
import type { ChunkContext, CompiledTemplate } from './caches.js';
import { fastHead, fastRest, type FastHead, type FastRest } from './fast-path.js';
import { buildPlan } from './fast-plan.js';
import { instantiateBinXml } from './instantiate.js';
import { eventFields, recordNumber, xmlText, type EventFields } from './render.js';
import type { Iso7 } from './time.js';

/**
 * How a record was found: `intact` by walking the chunk; `damaged` when its trailing size
 * copy does not match (the tail was overwritten, values may be zeros) but its header and
 * BinXML still decode; `carved` when found by scanning past corruption or in a chunk whose
 * header is lost ("Recovery").
 */
export type RecordIntegrity = 'intact' | 'damaged' | 'carved';

export class EvtxRecord {
  readonly type = 'record' as const;
  // Where the record's BinXML lives, for rendering on demand (keeps its chunk buffer alive).
  readonly #ctx: ChunkContext;
  readonly #start: number;
  readonly #end: number;
  constructor(
    /** System/EventRecordID, else the record header's identifier. */
    readonly recordId: number,
    /** The identifier in the record header (differs from recordId in exported/filtered logs). */
    readonly headerId: number,
    /** System/TimeCreated@SystemTime (100 ns), or the record header's written time when absent or zero. */
    readonly timeCreated: Iso7,
    readonly eventId: number | null,
    readonly version: number | null,
    readonly level: number | null,
    readonly provider: string,
    readonly channel: string,
    readonly computer: string,
    readonly data: Record<string, string>,
    /** Chunk index (0 = first chunk after the file header). */
    readonly chunk: number,
    /** File offset of the record (its signature). */
    readonly offset: number,
    /** The written time from the record header. */
    readonly written: Iso7,
    readonly integrity: RecordIntegrity,
    ctx: ChunkContext,
    start: number,
    end: number,
  ) {
    this.#ctx = ctx;
    this.#start = start;
    this.#end = end;
  }

  /** The record's top-level instantiated nodes (normally one <Event> element). */
  nodes(): XChild[] {
    return instantiateBinXml(this.#ctx, this.#start, this.#end, 0);
  }
}

/** A record the filter rejected: only what was needed to decide. */
export interface EvtxSkipped {
  readonly type: 'skipped';
  readonly skipped: true;
  readonly recordId: number;
  /** The identifier in the record header. */
  readonly headerId: number;
  readonly eventId: number | null;
  readonly provider: string;
  readonly channel: string;
  readonly chunk: number;
  readonly offset: number;
}

export type EvtxFilter = (eventId: number | null, provider: string, channel: string) => boolean;

/** Full XML text of a record (evtxexport -f xml layout, with XML escaping), computed on demand. */
export function renderXml(record: EvtxRecord): string {
  let s = '';
  for (const n of record.nodes()) s += xmlText(n, 0);
  return s;
}

/** The reference-dump shape of a record. */
export interface EvtxJson {
  recordId: number;
  eventId: number | null;
  provider: string;
  channel: string;
  computer: string;
  timeCreated: Iso7;
  data: Record<string, string>;
}

export function renderJson(record: EvtxRecord): EvtxJson {
  return {
    recordId: record.recordId,
    eventId: record.eventId,
    provider: record.provider,
    channel: record.channel,
    computer: record.computer,
    timeCreated: record.timeCreated,
    data: record.data,
  };
}

/** The normalized fields computed by the generic (instantiating) path; for tests and tools. */
export function slowFields(record: EvtxRecord): EventFields {
  return eventFields(record.nodes(), record.headerId, record.written);
}

const FRAGMENT = 0x0f;
const scratch = newValueTable(64);
const nested = newValueTable(64);
const head: FastHead = { recordId: null, eventId: null, provider: '', channel: '' };
const rest: FastRest = { version: null, level: null, computer: '', timeCreated: '', data: {} };

/** How many records took the fast and the generic path (process-wide; for tests and benchmarks). */
export const decodeStats = { fast: 0, slow: 0 };

function planOf(t: CompiledTemplate): ReturnType<typeof buildPlan> {
  return t.plan ?? (t.plan = buildPlan(t));
}

export interface RecordInfo {
  ctx: ChunkContext;
  /** Chunk offset of the record signature. */
  at: number;
  size: number;
  /** The identifier in the record header. */
  headerId: number;
  written: Iso7;
  integrity: RecordIntegrity;
}

/**
 * Decodes one record. Throws an EvtxError when its BinXML cannot be decoded. With a filter,
 * records it rejects come back as EvtxSkipped after reading only eventId, provider and channel.
 */
export function decodeRecord(r: RecordInfo, filter: EvtxFilter | null): EvtxRecord | EvtxSkipped {
  const { ctx } = r;
  const b = ctx.buf;
  const start = r.at + 24;
  const end = r.at + r.size - 4;
  const fileOffset = ctx.fileOffset + r.at;
  let accepted = false;
  // Fast path: fragment header + one template instance + end of file.
  if (end - start > 5 && b[start] === FRAGMENT && b[start + 4] === TOKEN.TEMPLATE_INSTANCE) {
    const template = readInstance(ctx, start + 4, end, scratch, true);
    const plan = planOf(template as CompiledTemplate);
    if (plan.ok && (scratch.end >= end || b[scratch.end] === TOKEN.EOF) && fastHead(b, plan, scratch, head)) {
      if (filter !== null) {
        if (!filter(head.eventId, head.provider, head.channel)) {
          decodeStats.fast++;
          return skipped(r, recordNumber(head.recordId, r.headerId), head.eventId, head.provider, head.channel, fileOffset);
        }
        accepted = true;
      }
      if (fastRest(ctx, plan, scratch, nested, r.written, rest)) {
        decodeStats.fast++;
        return new EvtxRecord(
          recordNumber(head.recordId, r.headerId),
          r.headerId,
          rest.timeCreated,
          head.eventId,
          rest.version,
          rest.level,
          head.provider,
          head.channel,
          rest.computer,
          rest.data,
          ctx.index,
          fileOffset,
          r.written,
          r.integrity,
          ctx,
          start,
          end,
        );
      }
    }
  }
  decodeStats.slow++;
  const f = eventFields(instantiateBinXml(ctx, start, end, 0), r.headerId, r.written);
  if (filter !== null && !accepted && !filter(f.eventId, f.provider, f.channel)) return skipped(r, f.recordId, f.eventId, f.provider, f.channel, fileOffset);
  return new EvtxRecord(
    f.recordId,
    r.headerId,
    f.timeCreated,
    f.eventId,
    f.version,
    f.level,
    f.provider,
    f.channel,
    f.computer,
    f.data,
    ctx.index,
    fileOffset,
    r.written,
    r.integrity,
    ctx,
    start,
    end,
  );
}

function skipped(r: RecordInfo, recordId: number, eventId: number | null, provider: string, channel: string, offset: number): EvtxSkipped {
  return { type: 'skipped', skipped: true, recordId, headerId: r.headerId, eventId, provider, channel, chunk: r.ctx.index, offset };
}
