// The results table's filtering, sorting and keyboard logic.
import { describe, expect, it } from 'vitest';
import {
  COLUMNS, NO_FILTER, filterRows, hostsOf, isFiltered, navigate, nextSort, numericTest, searchText, sortRows, type SearchIndex,
} from '../../renderer/src/lib/table.js';
import { row } from './report-row.js';

const rows = [
  row(1, { host: 'srv-file02', name: 'PSEXESVC.exe', path: 'C:\\Windows\\PSEXESVC.exe', launchesOnHost: 3, binaryHosts: 1, pathHosts: 1, rareBy: ['binary', 'path', 'host'], startTime: '2026-10-20T01:12:43.3300000Z' }),
  row(2, { host: 'eng-ws06', name: 'updsvc.exe', path: 'C:\\ProgramData\\UpdaterSvc\\updsvc.exe', binaryHosts: 1, pathHosts: 1, rareBy: ['binary', 'path'], signature: 'untrusted', signer: 'Updater Soft Ltd', hashes: { sha256: 'ab12', sha1: null, md5: null }, hash: 'sha256:ab12' }),
  row(3, { host: 'fin-ws02', name: 'a7f3c2e1.exe', path: 'C:\\Windows\\Temp\\a7f3c2e1.exe', launchesOnHost: 2, binaryHosts: null, pathHosts: 2, rareBy: ['host'], commandLine: 'cmd.exe /C net group "domain admins" /domain', user: 'NT AUTHORITY\\SYSTEM' }),
  row(4, { host: 'eng-ws06', name: null, path: null, launchesOnHost: 1, rareBy: ['host'] }),
];

describe('filterRows', () => {
  it('keeps everything without filters (a copy)', () => {
    const out = filterRows(rows, NO_FILTER);
    expect(out).toEqual(rows);
    expect(out).not.toBe(rows);
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(isFiltered({ ...NO_FILTER, columns: { host: '  ' } })).toBe(false);
  });

  it('global: every word, anywhere (case-insensitive), hashes and signers included', () => {
    const ids = (global: string) => filterRows(rows, { ...NO_FILTER, global }).map((r) => r.instanceId);
    expect(ids('psexesvc')).toEqual([1]);
    expect(ids('ENG-WS06')).toEqual([2, 4]);
    expect(ids('updater soft')).toEqual([2]);
    expect(ids('ab12')).toEqual([2]);
    expect(ids('domain admins')).toEqual([3]);
    expect(ids('windows temp')).toEqual([3]);
    expect(ids('2026-10-20 01:12')).toEqual([1]);
    expect(ids('nothing-like-this')).toEqual([]);
  });

  it('host filter matches the host key exactly', () => {
    expect(filterRows(rows, { ...NO_FILTER, host: 'eng-ws06' }).map((r) => r.instanceId)).toEqual([2, 4]);
    expect(filterRows(rows, { ...NO_FILTER, host: 'eng' })).toEqual([]);
  });

  it('column filters: words in text columns, !word excludes, comparisons in numeric columns', () => {
    const ids = (columns: Record<string, string>) => filterRows(rows, { ...NO_FILTER, columns }).map((r) => r.instanceId);
    expect(ids({ host: 'fin' })).toEqual([3]);
    expect(ids({ path: 'windows' })).toEqual([1, 3]);
    expect(ids({ path: 'windows !temp' })).toEqual([1]);
    expect(ids({ launchesOnHost: '>=2' })).toEqual([1, 3]);
    expect(ids({ launchesOnHost: '2' })).toEqual([3]);
    expect(ids({ launchesOnHost: '1-2' })).toEqual([3, 4]);
    expect(ids({ binaryHosts: '<=1' })).toEqual([1, 2]);
    expect(ids({ binaryHosts: 'none' })).toEqual([3, 4]);
    expect(ids({ rareBy: 'host' })).toEqual([1, 3, 4]);
    expect(ids({ signature: 'untrusted' })).toEqual([2]);
    expect(ids({ host: 'eng', name: 'upd' })).toEqual([2]);
    // Not numeric syntax in a numeric column: matched as text.
    expect(ids({ pathHosts: '2' })).toEqual([3]);
  });

  it('uses and fills the search index', () => {
    const index: SearchIndex = new WeakMap();
    filterRows(rows, { ...NO_FILTER, global: 'x' }, index);
    expect(index.get(rows[0]!)).toBe(searchText(rows[0]!));
  });
});

describe('numericTest', () => {
  it('reads comparisons and ranges, and says when it is not numeric', () => {
    expect(numericTest('<3')?.(2)).toBe(true);
    expect(numericTest('<3')?.(3)).toBe(false);
    expect(numericTest('≤ 3')?.(3)).toBe(true);
    expect(numericTest('>=1')?.(null)).toBe(false);
    expect(numericTest('5..7')?.(6)).toBe(true);
    expect(numericTest('abc')).toBeNull();
  });
});

describe('sortRows', () => {
  it('sorts by the column value, empty values last in both directions, ties in report order', () => {
    const byName = sortRows(rows, { key: 'name', dir: 'asc' }).map((r) => r.instanceId);
    expect(byName).toEqual([3, 1, 2, 4]);
    expect(sortRows(rows, { key: 'name', dir: 'desc' }).map((r) => r.instanceId)).toEqual([2, 1, 3, 4]);
    expect(sortRows(rows, { key: 'binaryHosts', dir: 'desc' }).map((r) => r.instanceId)).toEqual([1, 2, 3, 4]);
    expect(sortRows(rows, { key: 'launchesOnHost', dir: 'desc' }).map((r) => r.instanceId)).toEqual([1, 3, 4, 2]);
    expect(sortRows(rows, { key: 'host', dir: 'asc' }).map((r) => r.instanceId)).toEqual([2, 4, 3, 1]);
    expect(sortRows(rows, null)).toEqual(rows);
  });

  it('cycles a header: first direction, the other, then the report order', () => {
    expect(nextSort(null, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'desc' }, 'name')).toBeNull();
    expect(nextSort({ key: 'name', dir: 'asc' }, 'launchesOnHost')).toEqual({ key: 'launchesOnHost', dir: 'desc' });
  });

  it('sorts 100,000 rows quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(i + 1, { name: `svc${(i * 7919) % 100_003}.exe`, host: `h${i % 1000}` }));
    const t0 = performance.now();
    const sorted = sortRows(many, { key: 'name', dir: 'asc' });
    const filtered = filterRows(many, { ...NO_FILTER, global: 'svc4242' });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(sorted[0]!.name! <= sorted[1]!.name!).toBe(true);
    expect(filtered.every((r) => r.name!.includes('svc4242'))).toBe(true);
  });
});

describe('navigate', () => {
  it('moves within bounds', () => {
    expect(navigate('ArrowDown', -1, 10, 5)).toBe(0);
    expect(navigate('ArrowDown', 9, 10, 5)).toBe(9);
    expect(navigate('ArrowUp', 0, 10, 5)).toBe(0);
    expect(navigate('PageDown', 2, 10, 5)).toBe(7);
    expect(navigate('PageDown', 8, 10, 5)).toBe(9);
    expect(navigate('PageUp', 3, 10, 5)).toBe(0);
    expect(navigate('Home', 5, 10, 5)).toBe(0);
    expect(navigate('End', 5, 10, 5)).toBe(9);
    expect(navigate('x', 5, 10, 5)).toBeNull();
    expect(navigate('ArrowDown', -1, 0, 5)).toBeNull();
  });
});

describe('columns', () => {
  it('include at least the spec columns, and hosts are counted for the host filter', () => {
    const keys = COLUMNS.map((c) => c.key);
    for (const k of ['host', 'startTime', 'name', 'path', 'rareBy', 'binaryHosts', 'pathHosts', 'launchesOnHost', 'signature', 'user'] as const) expect(keys).toContain(k);
    expect(hostsOf(rows)).toEqual([{ host: 'eng-ws06', rows: 2 }, { host: 'fin-ws02', rows: 1 }, { host: 'srv-file02', rows: 1 }]);
  });
});
