// Hostile input, tested, for EVTX: logs written by the fixture writer (Sysmon, Security
// and System records over several chunks) and multi-chunk logs of the corpus, with byte
// flips inside one chunk, a zeroed chunk header, zeroed ranges, a chunk of random
// bytes, a zeroed or altered file header, truncation anywhere and garbage after the
// last chunk. The records of the other chunks must import exactly as from the clean
// log, nothing may appear that the clean log does not hold outside the damaged chunk,
// and the general invariants hold (no exception, accounting, sound case, time bound).
// The corrupted samples of the corpus are covered by test/import/evtx-import.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { evtxInput, factsArb, type EvtxInput } from './lib/inputs.js';
import { applyEvtx, evtxMutation, type EvtxMutation } from './lib/mutate.js';
import { importBytes, type Imported } from './lib/harness.js';
import { compareEvtx } from './lib/compare.js';
import { keepFailure, LONG, seeds, writeFigures } from './lib/figures.js';
import { countImport, countMutation, newTally, type ImporterTally } from './lib/tally.js';

const RUNS = LONG ? 40 : 8;
const MUTATIONS = LONG ? 12 : 8;
const CORPUS_MUTATIONS = LONG ? 150 : 24;
const SHRINK = process.env['LONGTAIL_TRUST_SHRINK'] === '1';

/** Clean multi-chunk logs of the corpus that hold records the hunt uses. */
const CORPUS_LOGS = [
  ['attack', 'privesc_unquoted_svc_sysmon_1_11.evtx'],
  ['parser-samples', 'sysmon.evtx'],
  ['parser-samples', 'system.evtx'],
] as const;

let dir: string;
const tallies: Record<string, ImporterTally> = {};
beforeAll(() => {
  dir = tempDir('longtail-hostile-evtx-');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFigures('hostile-evtx', { importers: tallies });
});

function kind(m: EvtxMutation): string {
  return m.scope === 'chunk' ? `chunk:${m.how}` : m.scope === 'file-header' ? `file-header:${m.how}` : m.scope;
}

function checkClean(name: string, clean: Imported, bytes: Buffer): void {
  if (clean.problems.length || clean.result?.status !== 'complete' || clean.result.stored === 0) {
    throw new Error(`${name}: the clean log does not import cleanly (${keepFailure(`${name}-clean.evtx`, bytes)}): ${clean.problems.join('; ')}`);
  }
}

function mutateAndCheck(name: string, tally: ImporterTally, input: EvtxInput, clean: Imported, m: EvtxMutation): void {
  const mut = applyEvtx(input, m);
  const got = importBytes(dir, 'mutated.evtx', mut.bytes);
  const cmp = got.result ? compareEvtx(clean.rows, got.rows, mut) : null;
  countMutation(tally, kind(m), got, cmp);
  const problems = [...got.problems, ...(cmp?.problems ?? [])];
  if (problems.length) {
    const kept = keepFailure(`${name}-${Date.now()}.evtx`, mut.bytes);
    throw new Error(`${name}, ${mut.label} (${kept}):\n  ${problems.slice(0, 8).join('\n  ')}`);
  }
}

describe('hostile input: EVTX', () => {
  it('fixture logs: damage inside one chunk leaves the other chunks exactly as they were', () => {
    const tally = (tallies['evtx-fixture'] ??= newTally());
    for (const seed of seeds()) {
      fc.assert(
        fc.property(factsArb(true, 12, 30), fc.integer({ min: 3, max: 8 }), fc.array(evtxMutation, { minLength: MUTATIONS, maxLength: MUTATIONS }), (facts, perChunk, mutations) => {
          const input = evtxInput(facts, perChunk);
          const clean = importBytes(dir, 'clean.evtx', input.bytes);
          tally.inputs++;
          countImport(tally, clean);
          checkClean('evtx-fixture', clean, input.bytes);
          for (const m of mutations) mutateAndCheck('evtx-fixture', tally, input, clean, m);
        }),
        { seed: seed + 7045, numRuns: RUNS, endOnFailure: !SHRINK },
      );
    }
    expect(tally.crashes).toBe(0);
    expect(tally.hangs).toBe(0);
  }, LONG ? 1_800_000 : 120_000);

  for (const [folder, file] of CORPUS_LOGS) {
    it(`corpus ${file}: damage inside one chunk leaves the other chunks exactly as they were`, () => {
      const tally = (tallies[`evtx-corpus:${file}`] ??= newTally());
      const bytes = fs.readFileSync(corpus('evtx', folder, file));
      const input: EvtxInput = { importer: 'evtx-corpus', bytes, chunks: Math.floor((bytes.length - 4096) / 65_536) };
      const clean = importBytes(dir, 'clean.evtx', bytes);
      tally.inputs++;
      countImport(tally, clean);
      checkClean(file, clean, bytes);
      for (const seed of seeds()) {
        fc.assert(
          fc.property(evtxMutation, (m) => mutateAndCheck(file, tally, input, clean, m)),
          { seed: seed + file.length, numRuns: CORPUS_MUTATIONS, endOnFailure: !SHRINK },
        );
      }
      expect(tally.crashes).toBe(0);
      expect(tally.hangs).toBe(0);
    }, LONG ? 1_800_000 : 120_000);
  }
});
