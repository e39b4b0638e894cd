// The hunt: the form, the last run (its report and the exact parameters it ran with),
// the table's filters, sort and selection, and the opened row's detail.
import { createContext, useCallback, useContext, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { InstanceDetail } from '../../../src-core/api/contract.js';
import type { HuntParams, HuntReport, ReportRow } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { formFromPreset, formProblems, huntParams, type HuntForm } from '../lib/hunt-form.js';
import { NO_FILTER, filterRows, isFiltered, sortRows, type SearchIndex, type SortSpec, type TableFilter } from '../lib/table.js';
import { useApp } from './app.js';

export interface HuntRun {
  report: HuntReport;
  params: HuntParams;
  /** Wall-clock milliseconds the run took. */
  ms: number;
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
  selectedId: number | null;
  select(id: number | null): void;
  detail: DetailState | null;
  openRow(id: number | null): void;
  markStale(): void;
}

const Ctx = createContext<HuntState | null>(null);

export function HuntProvider({ children }: { children: ReactNode }) {
  const { bridge, caseEpoch } = useApp();
  const [form, setForm] = useState<HuntForm>(() => formFromPreset('any'));
  const [run, setRun] = useState<HuntRun | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [filter, setFilter] = useState<TableFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [selectedId, select] = useState<number | null>(null);
  const [detail, setDetail] = useState<DetailState | null>(null);
  const runSeq = useRef(0);
  const detailSeq = useRef(0);
  const cache = useRef(new Map<number, InstanceDetail>());
  const openIdRef = useRef<number | null>(null);

  // Another case: nothing of the previous one stays on screen.
  useEffect(() => {
    runSeq.current++;
    detailSeq.current++;
    cache.current.clear();
    setRun(null);
    setError(null);
    setStale(false);
    setFilter(NO_FILTER);
    setSort(null);
    select(null);
    openIdRef.current = null;
    setDetail(null);
    setRunning(false);
  }, [caseEpoch]);

  const loadDetail = useCallback(async (id: number, windowSpec: HuntParams['window']) => {
    const seq = ++detailSeq.current;
    openIdRef.current = id;
    const hit = cache.current.get(id);
    if (hit) {
      setDetail({ id, data: hit, loading: false, error: null });
      return;
    }
    setDetail((cur) => ({ id, data: cur?.id === id ? cur.data : null, loading: true, error: null }));
    try {
      const data = await bridge.call('hunt.detail', { instanceId: id, window: windowSpec });
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
      setRun({ report, params, ms: performance.now() - t0 });
      setStale(false);
      // Keep the selected and opened row if it is still a result (its detail is read again).
      const ids = new Set(report.rows.map((r) => r.instanceId));
      select((cur) => (cur !== null && ids.has(cur) ? cur : null));
      const open = openIdRef.current;
      if (open !== null && ids.has(open)) void loadDetail(open, report.parameters.window.spec);
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
    select(id);
    void loadDetail(id, run.report.parameters.window.spec);
  }, [loadDetail, closeDetail, run]);

  const index = useMemo<SearchIndex>(() => new WeakMap(), [run]);
  const deferredFilter = useDeferredValue(filter);
  const view = useMemo(() => {
    if (!run) return [];
    return sortRows(filterRows(run.report.rows, deferredFilter, index), sort);
  }, [run, deferredFilter, sort, index]);

  const markStale = useCallback(() => setStale(true), []);

  const value = useMemo<HuntState>(() => ({
    form, setForm, run, running, error, stale, runHunt, rerun, filter, setFilter, sort, setSort, view,
    filtered: isFiltered(filter), selectedId, select, detail, openRow, markStale,
  }), [form, run, running, error, stale, runHunt, rerun, filter, sort, view, selectedId, detail, openRow, markStale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useHunt(): HuntState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useHunt outside HuntProvider');
  return v;
}
