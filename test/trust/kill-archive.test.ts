// Nothing lost, nothing doubled, for archives: an import of a collection zip (the samples,
// the JSON and CSV corpus, and the EVTX attack logs in a .tar.gz inside it) killed
// (SIGKILL) at random points leaves a sound case holding whole members or nothing of
// them, and running the import again completes it to what one clean import gives, with
// the members stored by the killed run logged "duplicate" and stored once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { corpus, REPO } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { builtCli } from '../helpers/built-cli.js';
import { openCase } from '../../src-core/store/case-db.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { gzipBytes, tarBytes, zipBytes, type EntrySpec } from './lib/archives.js';
import { LONG, writeFigures } from './lib/figures.js';
import { contents, difference, killedCase, lastRun, lcg, runImport } from './lib/kills.js';

/** Kill points: half of the kill suite's (`npm run trust` gives 20, a long run 60; `npm test` 6). */
const KILLS = Math.max(2, Math.round(Number(process.env['LONGTAIL_KILL_POINTS'] ?? (LONG ? 60 : 6)) / 2));
const dir = tempDir('longtail-kill-archive-');
const archive = path.join(dir, 'Collection-WS01-2026-10-20T09_00_00Z.zip');
const figures = { killPoints: 0, outcomes: {} as Record<string, number>, referenceEvents: 0, members: 0, eventsLost: 0, eventsDuplicated: 0, partialMembersNotWhole: 0, unsoundCases: 0 };
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  writeFigures('kill-archive', figures);
});

function files(root: string, prefix: string): EntrySpec[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.ts'))
    .map((d) => path.join(d.parentPath, d.name))
    .sort()
    .map((f) => ({ name: `${prefix}${path.relative(root, f).split(path.sep).join('/')}`, data: fs.readFileSync(f) }));
}





let reference: Map<string, string[]>;

beforeAll(async () => {
  const logs = gzipBytes(await tarBytes(files(corpus('evtx', 'attack'), '')));
  fs.writeFileSync(archive, await zipBytes([
    ...files(path.join(REPO, 'samples'), 'samples/'),
    ...files(corpus('json'), 'json/'),
    ...files(corpus('csv'), 'csv/'),
    { name: 'evtx/attack.tar.gz', data: logs },
  ]));
  const ref = path.join(dir, 'reference.longtail');
  const { db } = openCase(ref);
  const results = importFiles(db, [archive]).files;
  db.close();
  expect(results.filter((r) => r.status === 'failed')).toEqual([]);
  reference = contents(ref);
  figures.members = reference.size;
  figures.referenceEvents = [...reference.values()].reduce((n, rows) => n + rows.length, 0);
  await builtCli();
}, 120_000);

describe('an archive import killed at random points', () => {
  it(`keeps the case sound, holding whole members only, and a re-run completes it exactly (${KILLS} kill points)`, async () => {
    const random = lcg(20261125);
    const timing = path.join(dir, 'timing.longtail');
    const t0 = Date.now();
    expect(await runImport(timing, [archive], null)).toBe(0);
    const full = Date.now() - t0;
    expect(contents(timing)).toEqual(reference);
    const outcomes = { beforeCase: 0, beforeSchema: 0, midArchive: 0, finished: 0 };
    for (let k = 0; k < KILLS; k++) {
      const caseFile = path.join(dir, `killed-${k}.longtail`);
      // Past the first tenth: the process start, before any member, is the kill suite's.
      const at = Math.floor((0.1 + 0.9 * random()) * full);
      await runImport(caseFile, [archive], at);
      const killed = killedCase(caseFile);
      if (killed.state === 'no case') outcomes.beforeCase++;
      // The re-run below must make a case killed before its tables whole.
      else if (killed.state === 'no schema') outcomes.beforeSchema++;
      else {
        if (killed.integrity !== 'ok') figures.unsoundCases++;
        expect(killed.integrity, `kill at ${at} ms`).toBe('ok');
        if (killed.importing > 0) outcomes.midArchive++;
        else outcomes.finished++;
        // Every member present is present whole, exactly as in the reference.
        const partial = contents(caseFile);
        for (const [sha, rows] of partial) {
          if (JSON.stringify(rows) !== JSON.stringify(reference.get(sha))) figures.partialMembersNotWhole++;
          expect(rows, `kill at ${at} ms, member ${sha}`).toEqual(reference.get(sha));
        }
      }
      expect(await runImport(caseFile, [archive], null), `re-run after kill at ${at} ms: ${lastRun.stderr}`).toBe(0);
      const after = contents(caseFile);
      const diff = difference(reference, after);
      figures.eventsLost += diff.lost;
      figures.eventsDuplicated += diff.extra;
      figures.killPoints++;
      expect(after, `re-run after kill at ${at} ms`).toEqual(reference);
      const db = new Database(caseFile, { readonly: true });
      const statuses = db.prepare('SELECT status, count(*) AS n FROM input_file GROUP BY status').all() as Array<{ status: string; n: number }>;
      const interrupted = db.prepare("SELECT count(*) AS n FROM input_file WHERE status = 'incomplete' AND sha256 != '' AND id IN (SELECT e.file_id FROM process_event e)").get() as { n: number };
      db.close();
      expect(statuses.find((s) => s.status === 'importing'), `kill at ${at} ms`).toBeUndefined();
      expect(interrupted.n, 'events on a row left incomplete').toBe(0);
    }
    figures.outcomes = outcomes;
    expect(outcomes.midArchive, JSON.stringify(outcomes)).toBeGreaterThan(0);
    process.stdout.write(`archive kill points: ${JSON.stringify(outcomes)} (full import ${full} ms)\n`);
  }, LONG ? 1_800_000 : 300_000);
});
