// Chunk scanning, CRC checks and recovery on files built from corpus chunks.

import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtx } from '../../src-core/ingest/evtx/index.js';
import { EVTX_DIR } from './evtx-corpus.js';
import { CHUNK, HEADER, fixChunkCrcs, readAll, recordOffsets, removeTempFiles, split, tempFile, withChunkCount } from './synthetic.js';

const security = split(path.join(EVTX_DIR, 'parser-samples', 'security.evtx'));
const zero = Buffer.alloc(CHUNK);
const c0 = (): Buffer => Buffer.from(security.chunks[0] as Buffer);
const c1 = (): Buffer => Buffer.from(security.chunks[1] as Buffer);
const n0 = recordOffsets(c0()).length;
const n1 = recordOffsets(c1()).length;

afterAll(removeTempFiles);

describe('chunk scanning', () => {
  it('reads every chunk to the end of the file, past zeroed space, whatever the header says', () => {
    const file = tempFile([withChunkCount(security.header, 1), c0(), zero, zero, zero, c1(), Buffer.alloc(1000)]);
    const reader = readEvtx(file);
    const records = [...reader].filter((i) => i.type === 'record');
    expect(reader.header.chunkCount).toBe(1);
    expect(records).toHaveLength(n0 + n1);
    expect(new Set(records.map((r) => r.chunk))).toEqual(new Set([0, 4]));
    expect(reader.stats.emptyChunks).toBe(4); // three zero chunks and the zero tail
    expect(reader.stats.issues).toBe(0);
  });

  it('reports a file that ends inside a chunk and keeps what it holds', () => {
    const whole = Buffer.concat([security.header, c0(), c1()]);
    const cut = recordOffsets(c1())[10] as { off: number };
    const file = tempFile([whole.subarray(0, HEADER + CHUNK + cut.off + 100)]);
    const { records, issues } = readAll(file);
    // The 10 whole records, and the one cut short, as damaged (its tail reads as zeros).
    expect(records).toHaveLength(n0 + 11);
    expect(records.slice(n0).map((r) => r.integrity)).toEqual([...Array<string>(10).fill('intact'), 'damaged']);
    expect(issues[0]).toMatchObject({ kind: 'truncated', chunk: 1, offset: HEADER + CHUNK + cut.off + 100 });
  });

  it('reads nothing, and reports, from files that are not EVTX', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(HEADER + CHUNK, 0x41)]) {
      const { records, issues } = readAll(tempFile([bytes]));
      expect(records).toEqual([]);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues[0]?.kind).toBe('file-header');
    }
  });
});

describe('CRC checks', () => {
  it('reports an event-records CRC mismatch and still yields every record', () => {
    const c = c0();
    const r = recordOffsets(c)[5] as { off: number; size: number; id: number };
    c[r.off + r.size - 40] = (c[r.off + r.size - 40] as number) ^ 0x20; // inside the record's data
    const { records, issues } = readAll(tempFile([security.header, c]));
    expect(records).toHaveLength(n0);
    expect(issues.map((i) => i.kind)).toEqual(['crc']);
    expect(issues[0]?.message).toMatch(/^event records CRC-32 mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}$/);
    expect(issues[0]).toMatchObject({ chunk: 0, offset: HEADER + 52 });
  });

  it('reports a chunk header CRC mismatch (e.g. a damaged string table) and still yields every record', () => {
    const c = c0();
    c[200] = (c[200] as number) ^ 0xff; // common string offset array
    const { records, issues } = readAll(tempFile([security.header, c]));
    expect(records).toHaveLength(n0);
    expect(issues.map((i) => [i.kind, i.message.slice(0, 28)])).toEqual([['crc', 'chunk header CRC-32 mismatch']]);
  });

  it('reports a file header CRC mismatch', () => {
    const h = Buffer.from(security.header);
    h[24] = (h[24] as number) ^ 1; // next record identifier
    const { records, issues } = readAll(tempFile([h, c0()]));
    expect(records).toHaveLength(n0);
    expect(issues).toMatchObject([{ kind: 'crc', chunk: null, offset: 124 }]);
  });

  it('skips CRC checks when the chunk says none were written (flag 0x4)', () => {
    const c = c0();
    c.writeUInt32LE(c.readUInt32LE(120) | 4, 120);
    c.writeUInt32LE(0, 52);
    c.writeUInt32LE(0, 124);
    expect(readAll(tempFile([security.header, c])).issues).toEqual([]);
  });
});

describe('damaged records and chunks', () => {
  it('keeps a record whose tail is zeroed, flagged damaged, and walks on', () => {
    const c = c0();
    const r = recordOffsets(c)[3] as { off: number; size: number; id: number };
    c.fill(0, r.off + r.size - 16, r.off + r.size);
    fixChunkCrcs(c);
    const { records, issues } = readAll(tempFile([security.header, c]));
    expect(records).toHaveLength(n0);
    expect(records.find((x) => x.headerId === r.id)?.integrity).toBe('damaged');
    expect(issues).toMatchObject([{ kind: 'record-header', recordId: r.id, offset: HEADER + r.off }]);
  });

  it('carves the records after a corrupted one (option recover), within the chunk range', () => {
    const c = c0();
    const rs = recordOffsets(c);
    const r = rs[20] as { off: number; size: number; id: number };
    c.writeUInt32LE(0xdeadbeef, r.off); // bad signature
    fixChunkCrcs(c);
    const file = tempFile([security.header, c]);
    const carved = readAll(file, true);
    expect(carved.records).toHaveLength(n0 - 1);
    expect(carved.records.filter((x) => x.integrity === 'carved').map((x) => x.headerId)).toEqual(rs.slice(21).map((x) => x.id));
    expect(carved.issues.map((i) => i.kind)).toEqual(['record-header', 'record-header', 'record-header']);
    const walked = readAll(file, false);
    expect(walked.records).toHaveLength(20);
    expect(walked.issues.map((i) => i.message)).toEqual([
      'bad record signature 0xdeadbeef',
      `${n0 - 20} of the ${n0} record identifiers the chunk header lists (1-${n0}) were not found`,
    ]);
  });

  it('reports a chunk with a bad signature and carves its records', () => {
    const bad = c1();
    bad.fill(0, 0, 512); // the whole header lost
    const file = tempFile([security.header, c0(), bad]);
    const carved = readAll(file, true);
    expect(carved.issues[0]).toMatchObject({ kind: 'chunk-header', chunk: 1, offset: HEADER + CHUNK });
    expect(carved.records.filter((r) => r.chunk === 1 && r.integrity === 'carved')).toHaveLength(n1);
    const plain = readAll(file, false);
    expect(plain.records).toHaveLength(n0);
    expect(plain.issues.map((i) => i.kind)).toEqual(['chunk-header']);
  });

  it('takes records past the free space offset when they continue the sequence', () => {
    const c = c0();
    const rs = recordOffsets(c);
    const last = rs[rs.length - 1] as { off: number };
    c.writeUInt32LE(last.off, 48); // the header misses the last record
    c.writeBigUInt64LE(c.readBigUInt64LE(32) - 1n, 32);
    fixChunkCrcs(c);
    const { records, issues } = readAll(tempFile([security.header, c]));
    expect(records).toHaveLength(n0);
    expect(issues.map((i) => i.kind)).toEqual(['chunk-header']);
    expect(issues[0]?.message).toMatch(/^records continue past/);
  });

  it('never throws nor hangs on damaged bytes', () => {
    const base = Buffer.concat([security.header, c0(), c1()]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { minLength: 1, maxLength: 40 }), (edits) => {
        const b = Buffer.from(base);
        for (const [at, v] of edits) b[at] = v;
        const file = tempFile([b]);
        let n = 0;
        for (const item of readEvtx(file)) if (item.type === 'record') n++;
        fs.rmSync(file);
        return n <= n0 + n1 + 200;
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
