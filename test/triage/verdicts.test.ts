// Issue 13: verdicts belong to the service process instance, not to a row: they survive
// re-import of the same files, new files on the same host (the host is resolved again),
// re-hunts with other thresholds and windows, and a 4688 start merging into its Sysmon 1
// start; they reach both report formats.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { openCase, type Db } from '../../src-core/store/case-db.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { setVerdicts, verdictsByInstance, VerdictError } from '../../src-core/store/verdicts.js';
import { reportToCsv } from '../../src-core/report/csv-report.js';
import { reportToJson } from '../../src-core/report/json-report.js';
import { Session } from '../../src-core/api/session.js';
import { REPO } from '../helpers/corpus.js';
import { addFile, net, sec4688, sysmon1, tempDir } from '../helpers/case-builder.js';
import type { HuntParams, ReportRow } from '../../src-core/model/hunt.js';

const DEFENDER = path.join(REPO, 'samples', 'defender');
const ELASTIC = path.join(REPO, 'samples', 'elastic');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function freshCase(): { db: Db; file: string } {
  const dir = tempDir('longtail-verdicts-');
  dirs.push(dir);
  const file = path.join(dir, 'case.longtail');
  return { db: openCase(file).db, file };
}

/** Loose thresholds, so the small demo data gives many rows to judge. */
const WIDE = huntParams('any', { maxHosts: 50, maxLaunches: 1000 });
const hunt = (db: Db, params: HuntParams = WIDE) => runHunt(db, params, { enrich: false });
const byId = (rows: readonly ReportRow[], id: number) => rows.find((r) => r.instanceId === id);

describe('verdicts', () => {
  it('survive re-import of the same files, new files on the same host, and re-hunts with other thresholds', () => {
    const { db } = freshCase();
    importFiles(db, [DEFENDER], {});
    const first = hunt(db).rows;
    expect(first.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = first as [ReportRow, ReportRow, ReportRow];
    setVerdicts(db, { instanceIds: [a.instanceId, b.instanceId], verdict: 'suspicious', note: 'seen at 02:00, no install', user: 'alice', at: '2026-12-06T10:00:00.000Z' });
    setVerdicts(db, { instanceIds: [c.instanceId], verdict: 'malicious', note: null, user: 'bob', at: '2026-12-06T10:05:00.000Z' });

    const check = (rows: readonly ReportRow[]) => {
      expect(byId(rows, a.instanceId)).toMatchObject({ verdict: 'suspicious', note: 'seen at 02:00, no install', verdictBy: 'alice', verdictAt: '2026-12-06T10:00:00.000Z' });
      expect(byId(rows, b.instanceId)).toMatchObject({ verdict: 'suspicious', note: 'seen at 02:00, no install' });
      expect(byId(rows, c.instanceId)).toMatchObject({ verdict: 'malicious', note: '', verdictBy: 'bob' });
      expect(rows.filter((r) => r.verdict !== 'unreviewed')).toHaveLength(3);
    };
    check(hunt(db).rows);

    // The same files again: duplicates, nothing stored, nothing renumbered.
    const again = importFiles(db, [DEFENDER], {});
    expect(again.files.every((f) => f.stored === 0)).toBe(true);
    check(hunt(db).rows);

    // New files: other hosts (Elastic), and new events on a's own host, which resolves it again.
    importFiles(db, [ELASTIC], {});
    addFile(db, 'later.json', [net(a.hostName, a.startTime.slice(0, 19), 'guid:unrelated', '10.1.1.1', 443)]);
    check(hunt(db).rows);

    // Other thresholds: the rows that remain keep their verdicts, and the others come back with theirs.
    const strict = hunt(db, huntParams('any')).rows;
    expect(strict.length).toBeLessThan(first.length);
    const judged = new Map([[a.instanceId, 'suspicious'], [b.instanceId, 'suspicious'], [c.instanceId, 'malicious']]);
    for (const r of strict) expect(r.verdict).toBe(judged.get(r.instanceId) ?? 'unreviewed');
    check(hunt(db).rows);
  });

  it('reappears when its instance is back in the window', () => {
    const { db } = freshCase();
    importFiles(db, [DEFENDER], {});
    const rows = hunt(db).rows;
    const oldest = [...rows].sort((x, y) => (x.startTime < y.startTime ? -1 : 1))[0]!;
    setVerdicts(db, { instanceIds: [oldest.instanceId], verdict: 'benign', note: 'vendor updater' });
    const after = new Date(Date.parse(oldest.startTime) + 1000).toISOString().replace(/\.\d+Z$/, '.0000000Z');
    const narrow = hunt(db, huntParams('any', { window: { kind: 'range', from: after, to: null } })).rows;
    expect(byId(narrow, oldest.instanceId)).toBeUndefined();
    expect(byId(hunt(db).rows, oldest.instanceId)).toMatchObject({ verdict: 'benign', note: 'vendor updater' });
  });

  it('follow a 4688 start into the Sysmon 1 start it merges with', () => {
    const { db } = freshCase();
    const svc = 'C:\\ProgramData\\x\\svc.exe';
    addFile(db, 'security.json', [sec4688({ host: 'WS09', time: '2026-10-01T10:00:00.5', pid: 4242, path: svc, parentPath: 'C:\\Windows\\System32\\services.exe' })]);
    const before = hunt(db, huntParams('any', { window: { kind: 'all' } })).rows;
    expect(before).toHaveLength(1);
    const only4688 = before[0]!.instanceId;
    setVerdicts(db, { instanceIds: [only4688], verdict: 'malicious', note: 'PsExec-like' });

    addFile(db, 'sysmon.json', [sysmon1({ host: 'WS09', time: '2026-10-01T10:00:00', pid: 4242, path: svc, hashes: { sha256: 'ab'.repeat(32) } })]);
    const after = hunt(db, huntParams('any', { window: { kind: 'all' } })).rows;
    expect(after).toHaveLength(1);
    expect(after[0]!.instanceId).not.toBe(only4688); // the Sysmon start is the instance now
    expect(after[0]).toMatchObject({ verdict: 'malicious', note: 'PsExec-like' });

    // A new verdict on the merged instance replaces the one left on the 4688 identity.
    setVerdicts(db, { instanceIds: [after[0]!.instanceId], verdict: 'benign', note: null });
    expect(verdictsByInstance(db).get(after[0]!.instanceId)).toMatchObject({ verdict: 'benign', note: 'PsExec-like' });
    expect((db.prepare('SELECT count(*) AS n FROM verdict').get() as { n: number }).n).toBe(1);
  });

  it('refuses an unknown instance and changes nothing', () => {
    const { db } = freshCase();
    importFiles(db, [DEFENDER], {});
    const id = hunt(db).rows[0]!.instanceId;
    expect(() => setVerdicts(db, { instanceIds: [id, 999_999], verdict: 'malicious', note: 'x' })).toThrow(VerdictError);
    expect(verdictsByInstance(db).size).toBe(0);
  });

  it('reach the CSV and JSON reports, and read with plain SQL', () => {
    const { db } = freshCase();
    importFiles(db, [DEFENDER], {});
    const row = hunt(db).rows[0]!;
    setVerdicts(db, { instanceIds: [row.instanceId], verdict: 'suspicious', note: '=HYPERLINK("x") and; a semicolon', user: 'carol' });
    const report = runHunt(db, WIDE);
    const json = JSON.parse(reportToJson(report)) as { rows: Array<Record<string, unknown>> };
    const j = json.rows.find((r) => r['instanceId'] === row.instanceId)!;
    expect(j).toMatchObject({ verdict: 'suspicious', note: '=HYPERLINK("x") and; a semicolon', verdictBy: 'carol' });
    expect(json.rows.filter((r) => r['verdict'] === 'unreviewed')).toHaveLength(json.rows.length - 1);
    const csv = Papa.parse<Record<string, string>>(reportToCsv(report).replace(/^\uFEFF/, '').split('\n\n')[0]!, { header: true }).data;
    const c = csv.find((r) => r['verdict'] === 'suspicious')!;
    // Attacker-influenced or not, a note is never a formula.
    expect(c['note']).toBe('\'=HYPERLINK("x") and; a semicolon');
    expect(c['verdictBy']).toBe('carol');
    const sql = db.prepare('SELECT host, proc_key, name, verdict, note, set_by FROM verdict').all();
    expect(sql).toEqual([{ host: row.host, proc_key: expect.any(String), name: row.name?.toLowerCase(), verdict: 'suspicious', note: '=HYPERLINK("x") and; a semicolon', set_by: 'carol' }]);
  });
});

describe('verdict handlers', () => {
  it('set several at once, keep notes when none is given, and "benign, and allowlist it" removes the row', async () => {
    const { db, file } = freshCase();
    importFiles(db, [DEFENDER], {});
    db.close();
    const session = new Session({ mode: 'browser', recentFile: null });
    try {
      await session.handle('case.open', { path: file });
      const rows = (await session.handle('hunt.run', { params: WIDE })).rows;
      const [a, b] = rows as [ReportRow, ReportRow];
      const one = await session.handle('verdict.set', { instanceIds: [a.instanceId], verdict: 'suspicious', note: 'check its DLLs' });
      expect(one.notes).toEqual({ [a.instanceId]: 'check its DLLs' });
      const both = await session.handle('verdict.set', { instanceIds: [a.instanceId, b.instanceId, a.instanceId], verdict: 'malicious' });
      expect(both.instanceIds).toEqual([a.instanceId, b.instanceId]);
      expect(both.notes).toEqual({ [a.instanceId]: 'check its DLLs', [b.instanceId]: '' });
      await expect(async () => session.handle('verdict.set', { instanceIds: [123_456_789], verdict: 'benign' })).rejects.toMatchObject({ kind: 'not-found' });

      const allowed = await session.handle('verdict.benignAllow', { instanceId: a.instanceId, by: 'name', hostOnly: true, note: 'IT inventory agent' });
      expect(allowed.verdict).toBe('benign');
      expect(allowed.entry).toMatchObject({ kind: 'name', value: a.name!.toLowerCase(), hosts: [a.host], enabled: true });
      expect(allowed.entry.reason).toMatch(/^Benign \(verdict by .+, \d{4}-\d{2}-\d{2}\): IT inventory agent$/);
      const rerun = (await session.handle('hunt.run', { params: WIDE })).rows;
      expect(byId(rerun, a.instanceId)).toBeUndefined();
      expect(byId(rerun, b.instanceId)).toMatchObject({ verdict: 'malicious' });
      // The verdict stays with the instance, for when the entry is removed again.
      await session.handle('allowlist.delete', { id: allowed.entry.id });
      expect(byId((await session.handle('hunt.run', { params: WIDE })).rows, a.instanceId)).toMatchObject({ verdict: 'benign', note: 'IT inventory agent' });
    } finally {
      session.close();
    }
  });
});
