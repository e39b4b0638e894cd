// Issue 13 in the renderer, the pure parts: verdict filter, sort and keys, applying a
// stored change, multi-selection, the column choice (and a stored choice that lies),
// coverage shaping and the hunt form's coverage threshold.
import { describe, expect, it } from 'vitest';
import type { CoverageRange, VerdictChange } from '../../src-core/api/contract.js';
import { VERDICTS as CORE_VERDICTS, COVERAGE_KINDS as CORE_KINDS } from '../../src-core/model/hunt.js';
import { DEFAULT_MIN_COVERED_HOSTS } from '../../src-core/hunt/presets.js';
import { COLUMNS, DEFAULT_SHOWN, NO_FILTER, filterRows, isFiltered, nextSort, searchText, sortRows, type SearchIndex } from '../../renderer/src/lib/table.js';
import {
  VERDICTS, VERDICT_FILTERS, applyVerdictChange, isVerdictFilter, matchesVerdict, verdictCounts, verdictForKey, verdictWho,
} from '../../renderer/src/lib/verdicts.js';
import { NO_SELECTION, extendTo, keepOnly, selectAll, selectOne, targets, toggle } from '../../renderer/src/lib/selection.js';
import {
  DEFAULT_CHOICE, isDefaultChoice, loadChoice, moveColumn, normalizeChoice, parseChoice, saveChoice, serializeChoice, shownColumns,
  storageKey, toggleColumn,
} from '../../renderer/src/lib/columns.js';
import { COVERAGE_KINDS, coverageDays, hostCoverage, mergeSpans, spanPlace } from '../../renderer/src/lib/coverage.js';
import { DEFAULT_MIN_COVERED_HOSTS as FORM_DEFAULT, formFromPreset, formProblems, huntParams, matchesPreset } from '../../renderer/src/lib/hunt-form.js';
import { row } from './report-row.js';

const rows = [
  row(1, { verdict: 'unreviewed', name: 'a.exe' }),
  row(2, { verdict: 'benign', name: 'b.exe', note: 'IT backup agent, ticket 4521' }),
  row(3, { verdict: 'suspicious', name: 'c.exe' }),
  row(4, { verdict: 'malicious', name: 'd.exe' }),
  row(5, { verdict: 'unreviewed', name: 'e.exe' }),
  row(6, { verdict: 'suspicious', name: 'f.exe' }),
];
const ids = (rs: readonly { instanceId: number }[]) => rs.map((r) => r.instanceId);

describe('verdicts', () => {
  it('mirror the core lists', () => {
    expect(VERDICTS).toEqual(CORE_VERDICTS);
    expect(COVERAGE_KINDS).toEqual(CORE_KINDS);
    expect(FORM_DEFAULT).toBe(DEFAULT_MIN_COVERED_HOSTS);
  });

  it('filter by one verdict, by "reviewed" (any judged) and not at all', () => {
    const by = (verdict: (typeof VERDICT_FILTERS)[number]) => ids(filterRows(rows, { ...NO_FILTER, verdict }));
    expect(by('any')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(by('unreviewed')).toEqual([1, 5]);
    expect(by('suspicious')).toEqual([3, 6]);
    expect(by('malicious')).toEqual([4]);
    expect(by('benign')).toEqual([2]);
    expect(by('reviewed')).toEqual([2, 3, 4, 6]);
    expect(isFiltered({ ...NO_FILTER, verdict: 'reviewed' })).toBe(true);
    expect(isFiltered(NO_FILTER)).toBe(false);
    // With the other filters: all of them must hold.
    expect(ids(filterRows(rows, { ...NO_FILTER, verdict: 'suspicious', global: 'f.exe' }))).toEqual([6]);
    expect(matchesVerdict({ verdict: 'benign' }, 'reviewed')).toBe(true);
    expect(isVerdictFilter('reviewed')).toBe(true);
    expect(isVerdictFilter('<script>')).toBe(false);
  });

  it('sort in triage order: malicious, suspicious, unreviewed, benign (ties in report order)', () => {
    expect(nextSort(null, 'verdict')).toEqual({ key: 'verdict', dir: 'asc' });
    expect(ids(sortRows(rows, { key: 'verdict', dir: 'asc' }))).toEqual([4, 3, 6, 1, 5, 2]);
    expect(ids(sortRows(rows, { key: 'verdict', dir: 'desc' }))).toEqual([2, 1, 5, 3, 6, 4]);
  });

  it('search finds the note; the column filter reads the verdict', () => {
    expect(searchText(rows[1]!)).toContain('ticket 4521');
    expect(ids(filterRows(rows, { ...NO_FILTER, global: '4521' }))).toEqual([2]);
    expect(ids(filterRows(rows, { ...NO_FILTER, columns: { verdict: 'mal' } }))).toEqual([4]);
  });

  it('counts rows per verdict', () => {
    expect(verdictCounts(rows)).toEqual({ unreviewed: 2, benign: 1, suspicious: 2, malicious: 1 });
    expect(verdictCounts([])).toEqual({ unreviewed: 0, benign: 0, suspicious: 0, malicious: 0 });
  });

  it('reads b, s, m, u (either case) and leaves modified keys to the browser', () => {
    const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
      verdictForKey({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });
    expect([k('b'), k('s'), k('m'), k('u'), k('S')]).toEqual(['benign', 'suspicious', 'malicious', 'unreviewed', 'suspicious']);
    expect(k('s', { ctrlKey: true })).toBeNull();
    expect(k('m', { metaKey: true })).toBeNull();
    expect(k('b', { altKey: true })).toBeNull();
    expect(k('x')).toBeNull();
    expect(k('Enter')).toBeNull();
  });

  it('applies a stored change to the rows it names, keeping every other row object', () => {
    const change: VerdictChange = { instanceIds: [1, 2], verdict: 'malicious', notes: { 1: 'beacon', 2: 'IT backup agent, ticket 4521' }, by: 'alice', at: '2026-11-02T10:00:00.000Z' };
    const out = applyVerdictChange(rows, change);
    expect(out).not.toBe(rows);
    expect(out[0]).toMatchObject({ verdict: 'malicious', note: 'beacon', verdictBy: 'alice', verdictAt: '2026-11-02T10:00:00.000Z' });
    expect(out[1]).toMatchObject({ verdict: 'malicious', note: 'IT backup agent, ticket 4521' });
    for (let i = 2; i < rows.length; i++) expect(out[i]).toBe(rows[i]);
    // The input is not changed.
    expect(rows[0]!.verdict).toBe('unreviewed');
    // A note the change does not carry stays as it was.
    expect(applyVerdictChange(rows, { ...change, instanceIds: [2], notes: {} })[1]!.note).toBe('IT backup agent, ticket 4521');
    // Nothing named: the very same array (no re-render, no re-filter).
    expect(applyVerdictChange(rows, { ...change, instanceIds: [99] })).toBe(rows);
  });

  it('keeps the search index valid across a change (rows that changed are new objects)', () => {
    const index: SearchIndex = new WeakMap();
    filterRows(rows, { ...NO_FILTER, global: 'x' }, index);
    const out = applyVerdictChange(rows, { instanceIds: [1], verdict: 'benign', notes: { 1: 'new note 777' }, by: 'a', at: '2026-11-02T10:00:00Z' });
    expect(ids(filterRows(out, { ...NO_FILTER, global: '777' }, index))).toEqual([1]);
  });

  it('says who judged it and when, or that nobody has', () => {
    expect(verdictWho(rows[0]!)).toBe('Nobody has judged it yet.');
    expect(verdictWho({ verdict: 'suspicious', verdictBy: 'alice', verdictAt: '2026-10-20T01:12:43.123Z' })).toBe('Marked suspicious by alice on 2026-10-20 01:12 UTC');
    expect(verdictWho({ verdict: 'unreviewed', verdictBy: 'bob', verdictAt: '2026-10-21T08:00:00Z' })).toBe('Set back to unreviewed by bob on 2026-10-21 08:00 UTC');
  });

  it('filters and sorts 100,000 rows by verdict quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => row(i + 1, { verdict: VERDICTS[i % 4]! }));
    const t0 = performance.now();
    const f = filterRows(many, { ...NO_FILTER, verdict: 'reviewed' });
    const s = sortRows(many, { key: 'verdict', dir: 'asc' });
    // The first 50,000 rows (12,500 of them benign already) marked benign.
    const changed = applyVerdictChange(many, { instanceIds: many.slice(0, 50_000).map((r) => r.instanceId), verdict: 'benign', notes: {}, by: 'a', at: 'x' });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(f).toHaveLength(75_000);
    expect(s[0]!.verdict).toBe('malicious');
    expect(s[s.length - 1]!.verdict).toBe('benign');
    expect(verdictCounts(changed).benign).toBe(25_000 + 37_500);
  });
});

describe('multi-selection', () => {
  const order = [10, 20, 30, 40, 50];

  it('a click selects one; Ctrl+click toggles; the toggled row is the new focus and anchor', () => {
    const one = selectOne(20);
    expect([...one.selected]).toEqual([20]);
    expect(one.focus).toBe(20);
    const two = toggle(one, 40);
    expect([...two.selected].sort()).toEqual([20, 40]);
    expect(two.focus).toBe(40);
    const back = toggle(two, 20);
    expect([...back.selected]).toEqual([40]);
    expect(selectOne(null)).toBe(NO_SELECTION);
  });

  it('Shift extends from the anchor, either way, in the order shown', () => {
    const down = extendTo(selectOne(20), order, 40);
    expect([...down.selected].sort()).toEqual([20, 30, 40]);
    expect(down.focus).toBe(40);
    expect(down.anchor).toBe(20);
    // Shift again from the same anchor: the range is replaced, not added to.
    const up = extendTo(down, order, 10);
    expect([...up.selected].sort()).toEqual([10, 20]);
    // Ctrl+Shift keeps what was selected.
    const kept = extendTo({ ...toggle(selectOne(50), 10) }, order, 30, true);
    expect([...kept.selected].sort()).toEqual([10, 20, 30, 50]);
    // An anchor the filter hides: the range starts at the row itself.
    expect([...extendTo(selectOne(99), order, 30).selected]).toEqual([30]);
    // A target not shown changes nothing.
    const s = selectOne(20);
    expect(extendTo(s, order, 77)).toBe(s);
  });

  it('Shift+Arrow one row at a time builds the range', () => {
    let s = selectOne(10);
    for (const id of [20, 30]) s = extendTo(s, order, id);
    expect([...s.selected].sort()).toEqual([10, 20, 30]);
    s = extendTo(s, order, 20);
    expect([...s.selected].sort()).toEqual([10, 20]);
  });

  it('Ctrl+A selects every row shown', () => {
    const s = selectAll(selectOne(30), order);
    expect(s.selected.size).toBe(5);
    expect(s.focus).toBe(30);
    expect(selectAll(NO_SELECTION, order).focus).toBe(10);
    expect(selectAll(NO_SELECTION, [])).toBe(NO_SELECTION);
  });

  it('verdict keys go to the selected rows shown, in order, else to the focused row', () => {
    const s = toggle(toggle(selectOne(40), 10), 30);
    expect(targets(s, order)).toEqual([10, 30, 40]);
    // Rows a filter hides are left alone.
    expect(targets(s, [30, 50])).toEqual([30]);
    expect(targets({ focus: 50, anchor: 50, selected: new Set() }, order)).toEqual([50]);
    expect(targets({ focus: 50, anchor: 50, selected: new Set([77]) }, order)).toEqual([50]);
    expect(targets(NO_SELECTION, order)).toEqual([]);
  });

  it('after a re-run, keeps only the rows still in the result', () => {
    const s = extendTo(selectOne(10), order, 30);
    const kept = keepOnly(s, new Set([20, 30, 40]));
    expect([...kept.selected].sort()).toEqual([20, 30]);
    expect(kept.focus).toBe(30);
    expect(kept.anchor).toBe(30);
    expect(keepOnly(s, new Set(order))).toBe(s);
    expect(keepOnly(s, new Set())).toEqual({ focus: null, anchor: null, selected: new Set() });
  });
});

/** A Storage stand-in. */
function memoryStorage(init: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { data: Record<string, string> } {
  const data = { ...init };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
    removeItem: (k) => {
      delete data[k];
    },
  };
}

describe('column choice', () => {
  it('defaults to the triage columns (covered hosts beside the host counts), with every other column available', () => {
    expect(shownColumns(DEFAULT_CHOICE).map((c) => c.key)).toEqual([
      'verdict', 'host', 'startTime', 'name', 'rareBy', 'binaryHosts', 'pathHosts', 'coveredHosts', 'launchesOnHost',
      'children', 'remoteIps', 'files', 'dlls',
    ]);
    expect(DEFAULT_SHOWN).toEqual(shownColumns(DEFAULT_CHOICE).map((c) => c.key));
    expect(DEFAULT_CHOICE.map((e) => e.key).sort()).toEqual(COLUMNS.map((c) => c.key).sort());
    for (const k of ['path', 'signature', 'user', 'commandLine'] as const) expect(DEFAULT_CHOICE.find((e) => e.key === k)?.shown).toBe(false);
  });

  it('round-trips through its serialized form', () => {
    let c = toggleColumn(DEFAULT_CHOICE, 'path');
    c = moveColumn(c, 'coveredHosts', -1);
    c = toggleColumn(c, 'rareBy');
    const back = parseChoice(serializeChoice(c));
    expect(back).toEqual(c);
    expect(shownColumns(back).map((x) => x.key)).toContain('path');
    expect(shownColumns(back).map((x) => x.key)).not.toContain('rareBy');
    expect(isDefaultChoice(back)).toBe(false);
    expect(isDefaultChoice(parseChoice(serializeChoice(DEFAULT_CHOICE)))).toBe(true);
  });

  it('survives a stored choice that is garbage, from another version, or names unknown columns', () => {
    for (const bad of [null, '', 'not json', '[]', '42', 'null', '{"v":2,"columns":[]}', '{"v":1}', '{"v":1,"columns":"x"}']) {
      expect(parseChoice(bad)).toEqual(DEFAULT_CHOICE);
    }
    const tricky = JSON.stringify({
      v: 1,
      columns: [
        { key: '__proto__', shown: true }, { key: 'constructor', shown: true }, { key: 'toString', shown: true },
        { key: 'evil<img src=x>', shown: true }, { key: 'name', shown: 'yes' }, null, 7, 'host',
        { key: 'commandLine', shown: true }, { key: 'commandLine', shown: false }, { key: 'host', shown: true },
      ],
    });
    const c = parseChoice(tricky);
    // Unknown and malformed entries dropped, the first of a repeated column kept, and every
    // column it did not name appended as the default has it.
    expect(c.slice(0, 2)).toEqual([{ key: 'commandLine', shown: true }, { key: 'host', shown: true }]);
    expect(c.map((e) => e.key).sort()).toEqual(COLUMNS.map((x) => x.key).sort());
    expect(shownColumns(c).map((x) => x.key).slice(0, 3)).toEqual(['commandLine', 'host', 'verdict']);
    // A choice that shows nothing is the default (a grid with no columns cannot be fixed from itself).
    expect(parseChoice(JSON.stringify({ v: 1, columns: COLUMNS.map((x) => ({ key: x.key, shown: false })) }))).toEqual(DEFAULT_CHOICE);
    expect(normalizeChoice([])).toEqual(DEFAULT_CHOICE);
  });

  it('keeps the last shown column, and moves within bounds', () => {
    let c = normalizeChoice([{ key: 'name', shown: true }]);
    expect(shownColumns(c).map((x) => x.key)).toEqual(['name', ...DEFAULT_SHOWN.filter((k) => k !== 'name')]);
    c = DEFAULT_CHOICE.map((e) => ({ ...e, shown: e.key === 'name' }));
    expect(toggleColumn(c, 'name')).toBe(c);
    expect(moveColumn(DEFAULT_CHOICE, 'verdict', -1)).toBe(DEFAULT_CHOICE);
    expect(moveColumn(DEFAULT_CHOICE, DEFAULT_CHOICE[DEFAULT_CHOICE.length - 1]!.key, 1)).toBe(DEFAULT_CHOICE);
    expect(moveColumn(DEFAULT_CHOICE, 'verdict', 1).slice(0, 2).map((e) => e.key)).toEqual(['host', 'verdict']);
  });

  it('is kept per case, and storage that fails or is missing only loses the choice', () => {
    const store = memoryStorage();
    const mine = toggleColumn(DEFAULT_CHOICE, 'user');
    saveChoice(store, '/cases/a.longtail', mine);
    expect(Object.keys(store.data)).toEqual([storageKey('/cases/a.longtail')]);
    expect(loadChoice(store, '/cases/a.longtail')).toEqual(mine);
    expect(loadChoice(store, '/cases/b.longtail')).toEqual(DEFAULT_CHOICE);
    // Back to the default: nothing kept.
    saveChoice(store, '/cases/a.longtail', DEFAULT_CHOICE);
    expect(store.data).toEqual({});
    // A hand-edited entry naming columns of another version.
    store.data[storageKey('/c')] = '{"v":1,"columns":[{"key":"futureColumn","shown":true},{"key":"user","shown":true}]}';
    expect(shownColumns(loadChoice(store, '/c'))[0]!.key).toBe('user');
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); }, removeItem: () => undefined };
    expect(loadChoice(broken, '/c')).toEqual(DEFAULT_CHOICE);
    expect(() => saveChoice(broken, '/c', mine)).not.toThrow();
    expect(loadChoice(null, '/c')).toEqual(DEFAULT_CHOICE);
    expect(loadChoice(store, null)).toEqual(DEFAULT_CHOICE);
  });
});

describe('coverage', () => {
  const ranges: CoverageRange[] = [
    { host: 'ws1', kind: 'sysmon', from: '2026-10-01', to: '2026-10-05', starts: 50 },
    { host: 'ws1', kind: 'security', from: '2026-10-03', to: '2026-10-04', starts: 20 },
    { host: 'ws2', kind: 'defender', from: '2026-10-01', to: '2026-10-02', starts: 10 },
    { host: 'ws2', kind: 'defender', from: '2026-10-05', to: '2026-10-05', starts: 4 },
    { host: 'ws3', kind: 'elastic', from: '2026-10-02', to: '2026-10-02', starts: 3 },
    { host: 'ws3', kind: 'elastic', from: '2026-10-03', to: '2026-10-03', starts: 3 },
  ];

  it('counts each host once a day, split by source, "several" when it has more than one', () => {
    const days = coverageDays(ranges);
    expect(days.map((d) => d.day)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05']);
    expect(days.map((d) => d.hosts)).toEqual([2, 3, 2, 1, 2]);
    const d3 = days[2]!;
    expect(d3).toMatchObject({ sysmon: 0, security: 0, several: 1, elastic: 1, defender: 0 });
    expect(d3.byKind).toEqual({ sysmon: 1, security: 1, defender: 0, elastic: 1 });
    // The stack's height is the distinct hosts.
    for (const d of days) expect(d.sysmon + d.security + d.defender + d.elastic + d.several).toBe(d.hosts);
  });

  it('keeps days without any coverage as 0, and does not fill absurd spans', () => {
    const days = coverageDays([
      { host: 'a', kind: 'sysmon', from: '2026-10-01', to: '2026-10-01', starts: 1 },
      { host: 'a', kind: 'sysmon', from: '2026-10-04', to: '2026-10-04', starts: 1 },
    ]);
    expect(days.map((d) => d.hosts)).toEqual([1, 0, 0, 1]);
    const wide = coverageDays([
      { host: 'a', kind: 'sysmon', from: '1601-01-01', to: '1601-01-01', starts: 1 },
      { host: 'a', kind: 'sysmon', from: '2026-10-04', to: '2026-10-04', starts: 1 },
    ]);
    expect(wide).toHaveLength(2);
    expect(coverageDays([])).toEqual([]);
    expect(coverageDays([{ host: 'a', kind: 'sysmon', from: 'garbage', to: 'x', starts: 1 }])).toEqual([]);
  });

  it('per host: spans merged across sources, gaps between them, hosts with gaps first', () => {
    const hosts = hostCoverage(ranges);
    expect(hosts.map((h) => h.host)).toEqual(['ws2', 'ws1', 'ws3']);
    const ws2 = hosts[0]!;
    expect(ws2.spans).toEqual([{ from: '2026-10-01', to: '2026-10-02' }, { from: '2026-10-05', to: '2026-10-05' }]);
    expect(ws2.gaps).toEqual([{ from: '2026-10-03', to: '2026-10-04' }]);
    expect(ws2).toMatchObject({ gapDays: 2, coveredDays: 3, first: '2026-10-01', last: '2026-10-05', starts: 14, kinds: ['defender'] });
    const ws1 = hosts[1]!;
    expect(ws1.spans).toEqual([{ from: '2026-10-01', to: '2026-10-05' }]);
    expect(ws1.kinds).toEqual(['sysmon', 'security']);
    // Consecutive days from separate ranges join.
    expect(hosts[2]!.spans).toEqual([{ from: '2026-10-02', to: '2026-10-03' }]);
    expect(hosts[2]!.gapDays).toBe(0);
    expect(mergeSpans([{ from: '2026-10-05', to: '2026-10-01' }])).toEqual([{ from: '2026-10-01', to: '2026-10-05' }]);
  });

  it('places a span on a strip', () => {
    expect(spanPlace({ from: '2026-10-01', to: '2026-10-05' }, '2026-10-01', '2026-10-10')).toEqual({ left: 0, width: 0.5 });
    expect(spanPlace({ from: '2026-10-06', to: '2026-10-10' }, '2026-10-01', '2026-10-10')).toEqual({ left: 0.5, width: 0.5 });
    const p = spanPlace({ from: '2026-10-03', to: '2026-10-03' }, '2026-10-03', '2026-10-03');
    expect(p).toEqual({ left: 0, width: 1 });
  });
});

describe('hunt form: min covered hosts', () => {
  it('defaults to 3, goes into the parameters, survives a preset change and is not part of a preset', () => {
    const f = formFromPreset('any');
    expect(f.minCoveredHosts).toBe(3);
    expect(huntParams({ ...f, minCoveredHosts: 5 }).minCoveredHosts).toBe(5);
    expect(formFromPreset('elastic-binary', { ...f, minCoveredHosts: 7 }).minCoveredHosts).toBe(7);
    expect(matchesPreset({ ...f, minCoveredHosts: 9 })).toBe(true);
    expect(formProblems({ ...f, minCoveredHosts: 0 })).toEqual(['Min covered hosts must be a whole number of at least 1.']);
    expect(formProblems({ ...f, minCoveredHosts: Number.NaN })).toHaveLength(1);
    expect(formProblems({ ...f, minCoveredHosts: 1 })).toEqual([]);
  });
});
