// Hostile input, tested: every text importer and container (Defender portal and
// Sentinel CSV, Kibana CSV, NDJSON from Elastic, Defender streaming, Security-Datasets
// and Winlogbeat, JSON arrays, `_search` responses, Defender API `schema/results`,
// pipeline `{"events":[…]}`) gets clean generated files and mutations of them (byte
// flips, hostile tokens, NULs, Latin-1 records, deletions, truncation anywhere, BOMs
// and UTF-16 with and without BOM, UTF-16 BOMs on UTF-8 bytes, zeroed headers, unpaired
// surrogates). After every import: no exception, one result, the accounting holds,
// the case is sound, the time is bounded; records other than the mutated one are
// exactly as in the clean import and nothing is invented. Seeded: a failure replays
// (the input is kept under test-results/trust/failures/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { tempDir } from '../helpers/case-builder.js';
import { factsArb, TEXT_IMPORTERS, type TextInput } from './lib/inputs.js';
import { applyText, describeText, textMutation, type TextMutation } from './lib/mutate.js';
import { importBytes } from './lib/harness.js';
import { compareText } from './lib/compare.js';
import { keepFailure, LONG, seeds, writeFigures } from './lib/figures.js';
import { countImport, countMutation, newTally, type ImporterTally } from './lib/tally.js';

/** Clean files per importer and seed, and mutations of each. */
const RUNS = LONG ? 60 : 10;
const MUTATIONS = LONG ? 12 : 10;
const SHRINK = process.env['LONGTAIL_TRUST_SHRINK'] === '1';

let dir: string;
const tallies: Record<string, ImporterTally> = {};
beforeAll(() => {
  dir = tempDir('longtail-hostile-');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFigures('hostile-text', { importers: tallies });
});

function mutationKind(m: TextMutation): string {
  switch (m.scope) {
    case 'record': return `record:${m.m.kind}`;
    case 'truncate': return 'truncate';
    case 'encode': return `encode:${m.to}`;
    case 'whole': return `whole:${m.how}`;
  }
}

function fuzz(name: string, build: (facts: Parameters<typeof TEXT_IMPORTERS[number]['build']>[0]) => TextInput): void {
  const tally = (tallies[name] ??= newTally());
  for (const base of seeds()) {
    // Each importer its own stream of cases, the same on every run.
    const seed = base + [...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);
    fc.assert(
      fc.property(factsArb(true), fc.array(textMutation, { minLength: MUTATIONS, maxLength: MUTATIONS }), (facts, mutations) => {
        const input = build(facts);
        const clean = importBytes(dir, `clean${input.ext}`, input.bytes);
        tally.inputs++;
        countImport(tally, clean);
        if (clean.problems.length || clean.result?.status !== 'complete' || clean.result.stored === 0) {
          throw new Error(`${name}: the clean file does not import cleanly (${keepFailure(`${name}-clean${input.ext}`, input.bytes)}): ` +
            `${JSON.stringify(clean.result?.status)} ${clean.problems.join('; ')}`);
        }
        for (const m of mutations) {
          const mut = applyText(input, m);
          const got = importBytes(dir, `mutated${input.ext}`, mut.bytes);
          const cmp = got.result ? compareText(input, clean.rows, got.rows, mut) : null;
          countMutation(tally, mutationKind(m), got, cmp);
          const problems = [...got.problems, ...(cmp?.problems ?? [])];
          if (problems.length) {
            const kept = keepFailure(`${name}-${Date.now()}${input.ext}`, mut.bytes);
            keepFailure(`${name}-${Date.now()}-clean${input.ext}`, input.bytes);
            throw new Error(`${name}, ${mut.label} [${describeText(m)}] (${kept}):\n  ${problems.slice(0, 8).join('\n  ')}`);
          }
        }
      }),
      { seed, numRuns: RUNS, endOnFailure: !SHRINK },
    );
  }
  expect(tally.crashes).toBe(0);
  expect(tally.hangs).toBe(0);
}

describe('hostile input: text importers', () => {
  for (const imp of TEXT_IMPORTERS) {
    it(`${imp.name}: mutated records leave the others exactly as they were`, () => fuzz(imp.name, imp.build), LONG ? 1_800_000 : 120_000);
  }
});
