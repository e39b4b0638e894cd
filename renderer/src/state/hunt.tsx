// The hunt: the form, the last run (its report and the exact parameters it ran with),
// the table's filters, sort and selection, the opened row's detail, and verdicts (set
// through the core, then applied to the rows in hand: no re-run).
import { createContext, useCallback, useContext, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { InstanceDetail, Results, VerdictChange } from '../../../src-core/api/contract.js';
import type { HuntParams, HuntReport, ReportRow, Verdict } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { formFromPreset, formProblems, huntParams, type HuntForm } from '../lib/hunt-form.js';
import { NO_FILTER, filterRows, isFiltered, sortRows, type SearchIndex, type SortSpec, type TableFilter } from '../lib/table.js';
import { NO_SELECTION, keepOnly, selectOne, type Selection } from '../lib/selection.js';
import { applyVerdictChange, withVerdict } from '../lib/verdicts.js';
import { useApp } from './app.js';

export interface HuntRun {
  report: HuntReport;
  params: HuntParams;
  /** Wall-clock milliseconds the run took. */
  ms: number;
  /** Which run this is: a verdict change keeps it (and the search index keyed by row). */
  seq: number;
}

export type BenignAllowResult = Results['verdict.benignAllow'];

/** Ids per verdict.set call (its schema's limit is 100,000). */
const VERDICT_BATCH = 50_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface DetailState {
  id: number;
  data: InstanceDetail | null;
  loading: boolean;
  error: string | null;
}

export interface HuntState {
  form: HuntForm;
  setForm(f: HuntForm): void;
  run: HuntRun | null;
  running: boolean;
  error: string | null;
  /** Data changed since the run (an import): the results may be out of date. */
  stale: boolean;
  /** The allowlist changed since the run ("Benign, and allowlist it"): a re-run drops rows. */
  listsChanged: boolean;
  runHunt(): Promise<void>;
  /** Runs again with the last run's parameters (after the allowlist or rules change). */
  rerun(): Promise<void>;
  filter: TableFilter;
  setFilter(f: TableFilter): void;
  sort: SortSpec | null;
  setSort(s: SortSpec | null): void;
  /** The rows after filters and sort: what the table shows and the export writes. */
  view: ReportRow[];
  filtered: boolean;
  /** The focused row (the keyboard cursor) and the selected rows. */
  selection: Selection;
  setSelection(s: Selection): void;
  detail: DetailState | null;
  openRow(id: number | null): void;
  markStale(): void;
  /**
   * Stores a verdict for these instances (a note replaces theirs; undefined keeps each
   * one's) and applies what the core stored to the rows; null when it failed (said).
   */
  setVerdict(ids: readonly number[], verdict: Verdict, note?: string): Promise<VerdictChange | null>;
  /** Benign, plus an allowlist entry for it; throws the core's error (the form shows it). */
  benignAllow(id: number, by: 'name' | 'hash' | 'path', hostOnly: boolean, note?: string): Promise<BenignAllowResult>;
}

const Ctx = createContext<HuntState | null>(null);

export function HuntProvider({ children }: { children: ReactNode }) {
  const { bridge, caseEpoch, fail } = useApp();
  const [form, setForm] = useState<HuntForm>(() => formFromPreset('any'));
  const [run, setRun] = useState<HuntRun | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [listsChanged, setListsChanged] = useState(false);
  const [filter, setFilter] = useState<TableFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [detail, setDetail] = useState<DetailState | null>(null);
  const runSeq = useRef(0);
  const detailSeq = useRef(0);
  const cache = useRef(new Map<number, InstanceDetail>());
  const openIdRef = useRef<number | null>(null);
  /** After a verdict took the focused row out of the view: the index to focus instead. */
  const refocusAt = useRef<number | null>(null);

  // Another case: nothing of the previous one stays on screen.
  useEffect(() => {
    runSeq.current++;
    detailSeq.current++;
    cache.current.clear();
    setRun(null);
    setError(null);
    setStale(false);
    setListsChanged(false);
    setFilter(NO_FILTER);
    setSort(null);
    setSelection(NO_SELECTION);
    openIdRef.current = null;
    setDetail(null);
    setRunning(false);
  }, [caseEpoch]);

  const loadDetail = useCallback(async (id: number, windowSpec: HuntParams['window'], minCoveredHosts: number) => {
    const seq = ++detailSeq.current;
    openIdRef.current = id;
    const hit = cache.current.get(id);
    if (hit) {
      setDetail({ id, data: hit, loading: false, error: null });
      return;
    }
    setDetail((cur) => ({ id, data: cur?.id === id ? cur.data : null, loading: true, error: null }));
    try {
      const data = await bridge.call('hunt.detail', { instanceId: id, window: windowSpec, minCoveredHosts });
      cache.current.set(id, data);
      if (seq === detailSeq.current) setDetail({ id, data, loading: false, error: null });
    } catch (err) {
      if (seq === detailSeq.current) setDetail({ id, data: null, loading: false, error: errorText(err) });
    }
  }, [bridge]);

  const closeDetail = useCallback(() => {
    detailSeq.current++;
    openIdRef.current = null;
    setDetail(null);
  }, []);

  const execute = useCallback(async (params: HuntParams) => {
    const seq = ++runSeq.current;
    setRunning(true);
    setError(null);
    const t0 = performance.now();
    try {
      const report = await bridge.call('hunt.run', { params });
      if (seq !== runSeq.current) return;
      cache.current.clear();
      setRun({ report, params, ms: performance.now() - t0, seq });
      setStale(false);
      setListsChanged(false);
      // Keep the selected and opened rows that are still results (the detail is read again).
      const ids = new Set(report.rows.map((r) => r.instanceId));
      setSelection((cur) => keepOnly(cur, ids));
      const open = openIdRef.current;
      if (open !== null && ids.has(open)) void loadDetail(open, report.parameters.window.spec, report.parameters.minCoveredHosts);
      else closeDetail();
    } catch (err) {
      if (seq === runSeq.current) setError(errorText(err));
    } finally {
      if (seq === runSeq.current) setRunning(false);
    }
  }, [bridge, loadDetail, closeDetail]);

  const runHunt = useCallback(async () => {
    const problems = formProblems(form);
    if (problems.length) {
      setError(problems.join(' '));
      return;
    }
    await execute(huntParams(form));
  }, [execute, form]);

  const rerun = useCallback(async () => {
    if (run) await execute(run.params);
  }, [execute, run]);

  const openRow = useCallback((id: number | null) => {
    if (id === null || !run) {
      closeDetail();
      return;
    }
    setSelection(selectOne(id));
    void loadDetail(id, run.report.parameters.window.spec, run.report.parameters.minCoveredHosts);
  }, [loadDetail, closeDetail, run]);

  // Rows a verdict change did not touch stay the same objects, so the index survives it.
  const runId = run?.seq;
  const index = useMemo<SearchIndex>(() => new WeakMap(), [runId]);
  const deferredFilter = useDeferredValue(filter);
  const view = useMemo(() => {
    if (!run) return [];
    return sortRows(filterRows(run.report.rows, deferredFilter, index), sort);
  }, [run, deferredFilter, sort, index]);

  // A verdict took the focused row out of the view (say the filter shows unreviewed rows):
  // the row that took its place gets the focus, so the next key judges the next row.
  useEffect(() => {
    const at = refocusAt.current;
    if (at === null) return;
    refocusAt.current = null;
    if (selection.focus !== null && view.some((r) => r.instanceId === selection.focus)) return;
    const next = view[Math.min(at, view.length - 1)];
    setSelection(next ? selectOne(next.instanceId) : NO_SELECTION);
  }, [view, selection.focus]);

  const markStale = useCallback(() => setStale(true), []);

  /** What the core stored, applied to the rows, the cached details and the opened one. */
  const applyChange = useCallback((change: VerdictChange) => {
    const patch = (r: ReportRow): ReportRow => withVerdict(r, change);
    for (const id of change.instanceIds) {
      const hit = cache.current.get(id);
      if (hit) cache.current.set(id, { ...hit, row: patch(hit.row) });
    }
    setDetail((cur) => (cur?.data && change.instanceIds.includes(cur.id) ? { ...cur, data: { ...cur.data, row: patch(cur.data.row) } } : cur));
    setRun((cur) => {
      if (!cur) return cur;
      const rows = applyVerdictChange(cur.report.rows, change);
      return rows === cur.report.rows ? cur : { ...cur, report: { ...cur.report, rows: rows as ReportRow[] } };
    });
  }, []);

  // Read by setVerdict after the await (the view and focus of that moment, not of the call).
  const viewRef = useRef(view);
  const focusRef = useRef(selection.focus);
  useEffect(() => {
    viewRef.current = view;
    focusRef.current = selection.focus;
  }, [view, selection.focus]);

  // Verdict calls go one after another, so their answers are applied in the order they
  // were made (quick keys, or a note saved on blur right before a verdict button's click).
  const verdictChain = useRef<Promise<unknown>>(Promise.resolve());

  const setVerdict = useCallback(async (ids: readonly number[], verdict: Verdict, note?: string) => {
    if (!ids.length) return null;
    try {
      const call = verdictChain.current.then(async () => {
        // The handler takes at most 100,000 ids a call (Ctrl+A on a bigger result): batches,
        // one after another, merged into one change (who and when: the last batch's).
        const changes: VerdictChange[] = [];
        for (const batch of chunks([...ids], VERDICT_BATCH)) {
          changes.push(await bridge.call('verdict.set', { instanceIds: batch, verdict, ...(note !== undefined ? { note } : {}) }));
        }
        const last = changes[changes.length - 1]!;
        if (changes.length === 1) return last;
        return {
          ...last,
          instanceIds: changes.flatMap((c) => c.instanceIds),
          notes: Object.assign({}, ...changes.map((c) => c.notes)) as VerdictChange['notes'],
        };
      });
      verdictChain.current = call.catch(() => undefined);
      const change = await call;
      const focus = focusRef.current;
      const at = focus === null ? -1 : viewRef.current.findIndex((r) => r.instanceId === focus);
      if (at >= 0) refocusAt.current = at;
      applyChange(change);
      return change;
    } catch (err) {
      fail(err, 'Saving the verdict');
      return null;
    }
  }, [bridge, applyChange, fail]);

  const benignAllow = useCallback(async (id: number, by: 'name' | 'hash' | 'path', hostOnly: boolean, note?: string) => {
    const res = await bridge.call('verdict.benignAllow', { instanceId: id, by, hostOnly, ...(note !== undefined ? { note } : {}) });
    applyChange(res);
    setListsChanged(true);
    return res;
  }, [bridge, applyChange]);

  const value = useMemo<HuntState>(() => ({
    form, setForm, run, running, error, stale, listsChanged, runHunt, rerun, filter, setFilter, sort, setSort, view,
    filtered: isFiltered(filter), selection, setSelection, detail, openRow, markStale, setVerdict, benignAllow,
  }), [form, run, running, error, stale, listsChanged, runHunt, rerun, filter, sort, view, selection, detail, openRow, markStale, setVerdict, benignAllow]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useHunt(): HuntState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useHunt outside HuntProvider');
  return v;
}
