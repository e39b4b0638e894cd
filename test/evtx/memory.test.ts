// Reading stays in constant memory however large the file: a Security log's chunks repeated
// to ~68 MB must not grow the heap or the buffers kept alive.

import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtx } from '../../src-core/ingest/evtx/index.js';
import { EVTX_DIR } from './evtx-corpus.js';
import { removeTempFiles, split, tempFile, withChunkCount } from './synthetic.js';

afterAll(removeTempFiles);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe('memory', () => {
  it('stays flat while reading a large file', () => {
    const { header, chunks } = split(path.join(EVTX_DIR, 'parser-samples', 'security.evtx'));
    const copies = 40;
    const file = tempFile([withChunkCount(header, 0xffff), ...Array.from({ length: copies }, () => chunks).flat()]);
    const samples: Array<{ heap: number; buffers: number }> = [];
    const sample = (): void => {
      gc();
      const m = process.memoryUsage();
      samples.push({ heap: m.heapUsed, buffers: m.arrayBuffers });
    };
    sample();
    let records = 0;
    let kept = 0;
    for (const item of readEvtx(file)) {
      if (item.type !== 'record') continue;
      records++;
      kept += item.data['TargetUserName'] === undefined ? 0 : 1;
      if (records % 10_000 === 0) sample();
    }
    sample();
    expect(records).toBe(2261 * copies);
    expect(kept).toBeGreaterThan(0);
    const first = samples[1] as { heap: number; buffers: number };
    const mb = (n: number): number => n / 1048576;
    // File: 26 chunks x 40 = 65 MB. Growth from the first sample stays within a few MB.
    for (const s of samples.slice(1)) {
      expect(mb(s.heap - first.heap)).toBeLessThan(8);
      expect(mb(s.buffers)).toBeLessThan(8);
    }
  }, 120_000);
});
