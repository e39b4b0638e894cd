// The filter/skip path: rejected records come out as light EvtxSkipped items, counted, with
// the right eventId/provider/channel, and without their data being decoded.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkContext } from '../../src-core/ingest/evtx/caches.js';
import { readInstance } from '../../src-core/ingest/evtx/binxml-parser.js';
import { newValueTable } from '../../src-core/ingest/evtx/binxml-tokens.js';
import { readEvtx, type EvtxFilter, type EvtxRecord, type EvtxSkipped } from '../../src-core/ingest/evtx/index.js';
import { EVTX_DIR } from './evtx-corpus.js';
import { fixChunkCrcs, readAll, recordOffsets, removeTempFiles, split, tempFile } from './synthetic.js';

afterAll(removeTempFiles);

const sample = (dir: string, name: string): string => path.join(EVTX_DIR, dir, name);

function run(file: string, filter?: EvtxFilter): { records: EvtxRecord[]; skipped: EvtxSkipped[]; issues: number } {
  const records: EvtxRecord[] = [];
  const skipped: EvtxSkipped[] = [];
  let issues = 0;
  for (const item of readEvtx(file, filter ? { filter } : {})) {
    if (item.type === 'record') records.push(item);
    else if (item.type === 'skipped') skipped.push(item);
    else issues++;
  }
  return { records, skipped, issues };
}

describe('filter', () => {
  it.each([
    ['parser-samples', 'security.evtx', 4624],
    ['parser-samples', 'sysmon.evtx', 1],
    ['parser-samples', 'system.evtx', 7045],
    // Records decoded on the generic path (BinXML payloads without templates).
    ['parser-samples', 'E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx', 11],
  ])('%s/%s: keeps event %i, skips and counts the rest with their identity', (dir, name, keep) => {
    const all = run(sample(dir, name));
    const seen: Array<[number | null, string, string]> = [];
    const filtered = run(sample(dir, name), (eventId, provider, channel) => {
      seen.push([eventId, provider, channel]);
      return eventId === keep;
    });
    expect(filtered.records.length + filtered.skipped.length).toBe(all.records.length);
    expect(filtered.records.length).toBe(all.records.filter((r) => r.eventId === keep).length);
    expect(filtered.records.length).toBeGreaterThan(0);
    expect(filtered.skipped.length).toBeGreaterThan(0);
    expect(filtered.issues).toBe(all.issues);
    // The filter saw every record's identity, in order.
    expect(seen).toEqual(all.records.map((r) => [r.eventId, r.provider, r.channel]));
    // Kept records are complete; skipped ones carry the same identity and position.
    const byId = new Map(all.records.map((r) => [r.recordId, r]));
    for (const r of filtered.records) expect(r.data).toEqual(byId.get(r.recordId)?.data);
    for (const s of filtered.skipped) {
      const r = byId.get(s.recordId) as EvtxRecord;
      expect(s).toEqual({
        type: 'skipped',
        skipped: true,
        recordId: r.recordId,
        headerId: r.headerId,
        eventId: r.eventId,
        provider: r.provider,
        channel: r.channel,
        chunk: r.chunk,
        offset: r.offset,
      });
      expect(s.eventId).not.toBe(keep);
    }
  });

  it('does not decode the data of skipped records', () => {
    // Give one value of a 4624's EventData an unknown type: decoding its data must fail.
    const { header, chunks } = split(sample('parser-samples', 'security.evtx'));
    const c = Buffer.from(chunks[0] as Buffer);
    const r = recordOffsets(c)[1] as { off: number; size: number; id: number };
    const ctx = new ChunkContext(c, 0, 0);
    const outer = newValueTable(0);
    readInstance(ctx, r.off + 28, r.off + r.size - 4, outer, true);
    const payload = Array.from(outer.types).findIndex((t, i) => i < outer.count && t === 0x21);
    let p = outer.offs[payload] as number;
    if (c[p] === 0x0f) p += 4;
    const inner = newValueTable(0);
    readInstance(ctx, p, (outer.offs[payload] as number) + (outer.sizes[payload] as number), inner, true);
    c[(inner.offs[0] as number) - 4 * inner.count + 2] = 0x7f; // first descriptor's type
    const file = tempFile([header, fixChunkCrcs(c)]);

    const unfiltered = readAll(file);
    expect(unfiltered.issues).toMatchObject([{ kind: 'binxml', recordId: r.id }, { kind: 'record-header' }]);
    expect(unfiltered.records.find((x) => x.headerId === r.id)).toBeUndefined();

    const filtered = run(file, (eventId) => eventId !== 4624);
    expect(filtered.issues).toBe(0);
    expect(filtered.skipped.map((s) => s.headerId)).toContain(r.id);
  });
});
