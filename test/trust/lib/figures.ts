// Figures of the trust suites: each suite writes what it tried and what it found to
// test-results/trust/<suite>.json, so a plain `npm test` leaves them too and
// `npm run trust` (test/trust/report/trust-report.ts) only has to add them up.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../../helpers/corpus.js';

export const FIGURES_DIR = path.join(REPO, 'test-results', 'trust');

/** `npm run trust -- --long` sets this: many more cases, more seeds. */
export const LONG = process.env['LONGTAIL_TRUST_LONG'] === '1';

/** The run's base seed: fixed, so a failure replays; LONGTAIL_TRUST_SEED picks another. */
export const SEED = Number(process.env['LONGTAIL_TRUST_SEED'] ?? 20261124);

/** Seeds of this run: one normally, several in a long campaign. */
export function seeds(): number[] {
  return LONG ? [SEED, SEED + 1, SEED + 2, SEED + 3] : [SEED];
}

export function writeFigures(suite: string, figures: object): void {
  fs.mkdirSync(FIGURES_DIR, { recursive: true });
  const body = { suite, writtenAt: new Date().toISOString(), long: LONG, seed: SEED, ...figures };
  fs.writeFileSync(path.join(FIGURES_DIR, `${suite}.json`), JSON.stringify(body, null, 2) + '\n');
}

/** Where an input that broke an invariant is kept, to replay it by hand. */
export function keepFailure(name: string, bytes: Buffer): string {
  const dir = path.join(FIGURES_DIR, 'failures');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return path.relative(REPO, file);
}
