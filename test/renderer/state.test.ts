// Pure pieces of the renderer's state: the hunt form, import jobs, timeline shaping, list helpers.
import { describe, expect, it } from 'vitest';
import { PRESETS as CORE_PRESETS, huntParams as coreHuntParams } from '../../src-core/hunt/presets.js';
import { huntParamsSchema } from '../../src-core/api/contract.js';
import { PRESETS, formFromPreset, formProblems, huntParams, matchesPreset, toIso7, windowSpec } from '../../renderer/src/lib/hunt-form.js';
import { applyFile, applyProgress, emptyJob, overallFraction } from '../../renderer/src/lib/import-job.js';
import { fleetTotals, timelinePoints } from '../../renderer/src/lib/timeline.js';
import { parseHosts, regexProblem } from '../../renderer/src/lib/lists.js';
import { baseName, dirName, joinPath, shortTime } from '../../renderer/src/lib/format.js';
import type { Events } from '../../src-core/api/contract.js';

describe('hunt form', () => {
  it('mirrors the core presets exactly', () => {
    for (const p of PRESETS) {
      const core = CORE_PRESETS[p.name];
      expect(p.label).toBe(core.label);
      expect(huntParams(formFromPreset(p.name))).toEqual(coreHuntParams(p.name));
    }
    expect(PRESETS.map((p) => p.name).sort()).toEqual(Object.keys(CORE_PRESETS).sort());
  });

  it('makes parameters the API accepts, for every preset and window', () => {
    for (const p of PRESETS) {
      for (const window of ['30d', '7d', 'all', 'custom'] as const) {
        const f = { ...formFromPreset(p.name), window, from: '2026-10-01', to: '2026-10-07T12:30' };
        expect(huntParamsSchema.safeParse(huntParams(f)).success).toBe(true);
      }
    }
  });

  it('reads custom range ends as UTC, inclusive', () => {
    expect(toIso7('2026-10-01', false)).toBe('2026-10-01T00:00:00.0000000Z');
    expect(toIso7('2026-10-07', true)).toBe('2026-10-07T23:59:59.9999999Z');
    expect(toIso7('2026-10-07T12:30', true)).toBe('2026-10-07T12:30:59.9999999Z');
    expect(toIso7('2026-10-07T12:30:15', false)).toBe('2026-10-07T12:30:15.0000000Z');
    expect(toIso7('', false)).toBeNull();
    expect(windowSpec({ ...formFromPreset('any'), window: 'custom', from: '', to: '2026-10-07' })).toEqual({ kind: 'range', from: null, to: '2026-10-07T23:59:59.9999999Z' });
  });

  it('says what keeps it from running, and whether it still is its preset', () => {
    expect(formProblems(formFromPreset('any'))).toEqual([]);
    expect(formProblems({ ...formFromPreset('any'), measures: [] })).toHaveLength(1);
    expect(formProblems({ ...formFromPreset('any'), maxHosts: Number.NaN })).toHaveLength(1);
    expect(formProblems({ ...formFromPreset('any'), window: 'custom', from: '2026-10-09', to: '2026-10-01' })).toEqual(['The range ends before it starts.']);
    expect(matchesPreset(formFromPreset('elastic-path'))).toBe(true);
    expect(matchesPreset({ ...formFromPreset('elastic-path'), maxHosts: 2 })).toBe(false);
  });
});

describe('import job', () => {
  const progress = (p: Partial<Events['import.progress']>): Events['import.progress'] => ({
    jobId: 1, phase: 'reading', file: null, fileIndex: 0, fileCount: 2, bytesDone: 0, bytesTotal: 0, records: 0, stored: 0, ...p,
  });
  const result = (p: Partial<Events['import.file']>): Events['import.file'] => ({
    jobId: 1, path: '/a.csv', container: null, fileId: 1, sha256: 'x', size: 100, format: 'defender-csv', status: 'complete', records: 10, stored: 9,
    duplicates: 1, skipped: 0, failed: 0, timeMin: null, timeMax: null, hosts: [], notes: [], error: null, ...p,
  });

  it('follows files through progress and results, and the overall fraction only grows', () => {
    let job = emptyJob(1, ['/dir']);
    const seen: number[] = [overallFraction(job)];
    job = applyProgress(job, progress({ file: '/a.csv', bytesTotal: 100, bytesDone: 0 }));
    seen.push(overallFraction(job));
    job = applyProgress(job, progress({ file: '/a.csv', bytesTotal: 100, bytesDone: 50, records: 5, stored: 5 }));
    seen.push(overallFraction(job));
    expect(job.files).toHaveLength(1);
    expect(job.files[0]).toMatchObject({ path: '/a.csv', bytesDone: 50, records: 5, result: null });
    job = applyFile(job, result({}));
    expect(job.files[0]).toMatchObject({ bytesDone: 100, records: 10, stored: 9, result: { status: 'complete' } });
    job = applyProgress(job, progress({ file: '/b.json', fileIndex: 1, bytesTotal: 10, bytesDone: 5 }));
    seen.push(overallFraction(job));
    job = applyFile(job, result({ path: '/b.json', size: 10 }));
    job = applyProgress(job, progress({ phase: 'resolving', fileIndex: 2 }));
    seen.push(overallFraction(job));
    job = { ...job, done: { jobId: 1, files: 2, failed: 0, cancelled: false, error: null } };
    seen.push(overallFraction(job));
    expect(job.files.map((f) => f.path)).toEqual(['/a.csv', '/b.json']);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(1);
    expect(seen[2]).toBeCloseTo(0.24);
  });

  it('does not go back when an archive, once listed, adds its members to the count', () => {
    let job = emptyJob(1, ['/a.csv', '/b.zip']);
    job = applyProgress(job, progress({ file: '/a.csv', fileCount: 2, bytesTotal: 100, bytesDone: 100 }));
    job = applyFile(job, result({}));
    job = applyProgress(job, progress({ file: '/b.zip', fileIndex: 1, fileCount: 2, phase: 'hashing', bytesTotal: 10, bytesDone: 10 }));
    const before = overallFraction(job);
    expect(before).toBeCloseTo(0.48); // hashing the archive is not reading it
    // Listed: 40 members join; the first of them starts; the last is half read.
    job = applyProgress(job, progress({ file: '/b.zip!/m1.evtx', fileIndex: 2, fileCount: 42, bytesTotal: 10, bytesDone: 0 }));
    expect(overallFraction(job)).toBeGreaterThanOrEqual(before);
    expect(overallFraction(job)).toBeLessThan(before + 0.02);
    job = applyProgress(job, progress({ file: '/b.zip!/m40.evtx', fileIndex: 41, fileCount: 42, bytesTotal: 10, bytesDone: 5 }));
    expect(overallFraction(job)).toBeGreaterThan(before);
    expect(overallFraction(job)).toBeLessThan(0.96);
    expect(job.files.map((f) => f.path)).toEqual(['/a.csv', '/b.zip', '/b.zip!/m1.evtx', '/b.zip!/m40.evtx']);
  });

  it('takes a result for a file it had no progress for', () => {
    const job = applyFile(emptyJob(1), result({ path: '/ignored.md', status: 'ignored', size: 5 }));
    expect(job.files).toEqual([expect.objectContaining({ path: '/ignored.md', result: expect.objectContaining({ status: 'ignored' }) })]);
  });
});

describe('timeline', () => {
  it('puts events on lanes in time order, thinning evenly when there are too many', () => {
    const ev = (lane: 'start' | 'network', time: string) => ({ lane, time, label: lane, detail: null });
    const { points, thinned } = timelinePoints([ev('network', '2026-10-20T01:00:02.0000000Z'), ev('start', '2026-10-20T01:00:00.5000000Z')]);
    expect(thinned).toBe(false);
    expect(points.map((p) => [p.lane, p.y, p.x])).toEqual([['start', 1, Date.parse('2026-10-20T01:00:00.500Z')], ['network', 3, Date.parse('2026-10-20T01:00:02.000Z')]]);
    const many = Array.from({ length: 10_000 }, (_, i) => ev('network', new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString().replace('Z', '0000Z')));
    const thin = timelinePoints([ev('start', '2026-09-30T00:00:00.0000000Z'), ...many], 100);
    expect(thin.thinned).toBe(true);
    expect(thin.points.length).toBeLessThanOrEqual(102);
    expect(thin.points[0]?.lane).toBe('start');
    expect(thin.points.at(-1)?.time).toBe(many.at(-1)?.time);
  });

  it('adds up the fleet per day, keeping empty days, and labels days with rare launches', () => {
    const t = fleetTotals([
      { day: '2026-10-01', host: 'a', launches: 10, rare: 0 },
      { day: '2026-10-01', host: 'b', launches: 3, rare: 1 },
      { day: '2026-10-03', host: 'a', launches: 2, rare: 0 },
    ]);
    expect(t.map((d) => [d.day, d.total, d.ordinary, d.rare, d.rareLabel, d.rareHosts])).toEqual([
      ['2026-10-01', 13, 12, 1, '1', ['b']],
      ['2026-10-02', 0, 0, 0, null, []],
      ['2026-10-03', 2, 2, 0, null, []],
    ]);
  });
});

describe('helpers', () => {
  it('parse host scopes and check path rule patterns', () => {
    expect(parseHosts(' WS01, ws02;ws01  ws03 ')).toEqual(['ws01', 'ws02', 'ws03']);
    expect(parseHosts('  ')).toBeNull();
    expect(regexProblem('[cC]:\\\\[uU]sers')).toBeNull();
    expect(regexProblem('(unclosed')).toMatch(/Unterminated group|Invalid regular expression/);
    expect(regexProblem('')).toBe('empty pattern');
  });

  it('handle Windows and POSIX paths', () => {
    expect(dirName('C:\\cases\\a.longtail')).toBe('C:\\cases');
    expect(joinPath('C:\\cases', 'r.csv')).toBe('C:\\cases\\r.csv');
    expect(joinPath('/cases/march/', 'r.csv')).toBe('/cases/march/r.csv');
    expect(dirName('/a.longtail')).toBe('/');
    expect(baseName('/evidence/x/y.csv')).toBe('y.csv');
    expect(shortTime('2026-10-20T01:12:43.3300000Z')).toBe('2026-10-20 01:12:43');
  });
});
