// Hunt: the parameters (a preset, then anything editable), Run, and the results with
// filters, sorting, the columns the user chose, verdicts and the opened row's detail.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { AllowKind, Measure, PresetName, ReportRow, Verdict } from '../../../src-core/model/hunt.js';
import { useApp } from '../state/app.js';
import { useHunt } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { ScreenHead } from '../components/ui.js';
import { AllowPrompt, type AllowDraft } from '../components/AllowPrompt.js';
import { count, plural, shortTime } from '../lib/format.js';
import { MEASURE_LABELS, MEASURE_ORDER, PRESETS, describeWindow, formFromPreset, matchesPreset, type HuntForm, type WindowMode } from '../lib/hunt-form.js';
import { NO_FILTER, hostsOf } from '../lib/table.js';
import { loadChoice, saveChoice, shownColumns, type ColumnChoice } from '../lib/columns.js';
import { VERDICT_FILTERS, isVerdictFilter, verdictCounts, type VerdictFilter } from '../lib/verdicts.js';
import { ResultsTable } from './ResultsTable.js';
import { DetailPanel } from './DetailPanel.js';
import { ColumnChooser } from './ColumnChooser.js';

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The grid's columns for this case: read from, and written to, localStorage. */
function useColumnChoice(casePath: string | null): [ColumnChoice, (c: ColumnChoice) => void] {
  const [state, setState] = useState<{ path: string | null; choice: ColumnChoice }>(() => ({ path: casePath, choice: loadChoice(localStore(), casePath) }));
  // Another case: its own choice (read during render so no frame shows the old one).
  const current = state.path === casePath ? state.choice : loadChoice(localStore(), casePath);
  useEffect(() => {
    if (state.path !== casePath) setState({ path: casePath, choice: loadChoice(localStore(), casePath) });
  }, [casePath, state.path]);
  const set = useCallback((choice: ColumnChoice) => {
    setState({ path: casePath, choice });
    saveChoice(localStore(), casePath, choice);
  }, [casePath]);
  return [current, set];
}

function verdictFilterLabel(f: VerdictFilter, counts: Record<Verdict, number>, total: number): string {
  switch (f) {
    case 'any': return `Any verdict (${count(total)})`;
    case 'reviewed': return `Reviewed (${count(total - counts.unreviewed)})`;
    default: return `${f[0]!.toUpperCase()}${f.slice(1)} (${count(counts[f])})`;
  }
}

export function HuntScreen() {
  const { caseInfo, go } = useApp();
  const hunt = useHunt();
  const { run, view, filter, setFilter, setVerdict } = hunt;
  const [allowDraft, setAllowDraft] = useState<AllowDraft | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [marked, setMarked] = useState<string | null>(null);
  const [choice, setChoiceStored] = useColumnChoice(caseInfo?.path ?? null);
  const columns = useMemo(() => shownColumns(choice), [choice]);

  const setChoice = useCallback((next: ColumnChoice) => {
    setChoiceStored(next);
    // A hidden column's filter would go on filtering with nothing on screen saying so.
    const hidden = next.filter((e) => !e.shown && filter.columns[e.key]?.trim());
    if (hidden.length) {
      const cols = { ...filter.columns };
      for (const e of hidden) delete cols[e.key];
      setFilter({ ...filter, columns: cols });
    }
  }, [setChoiceStored, filter, setFilter]);

  const onVerdict = useCallback((ids: number[], verdict: Verdict) => {
    void setVerdict(ids, verdict).then((change) => {
      if (change) setMarked(`${ids.length === 1 ? '1 row' : `${count(ids.length)} rows`} marked ${verdict}`);
    });
  }, [setVerdict]);

  const hosts = useMemo(() => (run ? hostsOf(run.report.rows) : []), [run]);
  const verdicts = useMemo(() => verdictCounts(run?.report.rows ?? []), [run]);
  const openRowData = useMemo(
    () => (hunt.detail && run ? run.report.rows.find((r) => r.instanceId === hunt.detail!.id) ?? null : null),
    [hunt.detail, run],
  );

  const onAllowlist = useCallback((kind: AllowKind, value: string, row: ReportRow) => {
    setAllowDraft({ kind, value, hosts: null, reason: '', enabled: true, forHost: row.host, label: row.name ?? row.path ?? '' });
  }, []);

  const noData = caseInfo !== null && caseInfo.inputs === 0;

  return (
    <div className="screen hunt">
      <ScreenHead title="Hunt">
        {run ? <button type="button" onClick={() => go('export')}>Export…</button> : null}
      </ScreenHead>
      <ParamsForm />
      {noData ? (
        <p className="note">This case has no data yet. <button type="button" className="link" onClick={() => go('import')}>Import some first.</button></p>
      ) : null}
      {hunt.error ? <p className="error" role="alert"><SafeText value={hunt.error} /></p> : null}
      {hunt.stale && run ? (
        <p className="note" role="status">
          Data was imported since this hunt ran.{' '}
          <button type="button" className="link" onClick={() => void hunt.rerun()}>Run it again</button>
        </p>
      ) : null}
      {hunt.listsChanged && !hunt.stale && run ? (
        <p className="note" role="status">
          The allowlist changed since this hunt ran: rows it now leaves out are still shown.{' '}
          <button type="button" className="link" onClick={() => void hunt.rerun()}>Run the hunt again</button>
        </p>
      ) : null}
      {run ? (
        <>
          <div className="filter-bar" role="search" aria-label="Filter the results">
            <label className="grow">
              <span className="sr-only">Search every column</span>
              <input
                type="search"
                value={filter.global}
                placeholder="Search all columns (name, path, command line, hash, user…)"
                onChange={(e) => setFilter({ ...filter, global: e.target.value })}
                aria-label="Search all columns"
                spellCheck={false}
              />
            </label>
            <label className="inline">
              {/* The options say what they filter ("All hosts", "Any verdict"): the words stay for screen readers. */}
              <span className="sr-only">Host</span>
              <select value={filter.host} onChange={(e) => setFilter({ ...filter, host: e.target.value })} aria-label="Host filter">
                <option value="">All hosts ({hosts.length})</option>
                {hosts.map((h) => <option key={h.host} value={h.host}>{h.host} ({h.rows})</option>)}
              </select>
            </label>
            <label className="inline">
              <span className="sr-only">Verdict</span>
              <select
                value={filter.verdict}
                onChange={(e) => isVerdictFilter(e.target.value) && setFilter({ ...filter, verdict: e.target.value })}
                aria-label="Verdict filter"
              >
                {VERDICT_FILTERS.map((f) => <option key={f} value={f}>{verdictFilterLabel(f, verdicts, run.report.rows.length)}</option>)}
              </select>
            </label>
            <button type="button" disabled={!hunt.filtered} onClick={() => setFilter(NO_FILTER)}>Clear filters</button>
            <button type="button" onClick={() => setChoosing(true)} aria-haspopup="dialog" title="Show, hide and order the grid's columns">Columns…</button>
            <span className="row-count" aria-live="polite" data-testid="row-count">
              <b>{count(view.length)}</b> of {plural(run.report.rows.length, 'row')}
            </span>
            {hunt.selection.selected.size > 1 ? (
              <span className="row-count small" data-testid="selected-count">{count(hunt.selection.selected.size)} selected</span>
            ) : null}
            {/* For screen readers: the badges already change on screen, and a line that comes
                and goes here would move the grid. */}
            <span className="sr-only" role="status" data-testid="verdict-status">{marked ?? ''}</span>
          </div>
          <div className={`results ${hunt.detail ? 'with-detail' : ''}`}>
            <ResultsTable
              rows={view}
              total={run.report.rows.length}
              columns={columns}
              filter={filter}
              onFilter={setFilter}
              sort={hunt.sort}
              onSort={hunt.setSort}
              selection={hunt.selection}
              onSelection={hunt.setSelection}
              openId={hunt.detail?.id ?? null}
              onOpen={hunt.openRow}
              onClose={() => hunt.openRow(null)}
              onVerdict={onVerdict}
            />
            {hunt.detail ? (
              <DetailPanel
                row={openRowData}
                detail={hunt.detail}
                minCoveredHosts={run.report.parameters.minCoveredHosts}
                onClose={() => hunt.openRow(null)}
                onTimeline={() => go('timeline')}
                onAllowlist={onAllowlist}
              />
            ) : null}
          </div>
          <RunSummary />
          {choosing ? <ColumnChooser choice={choice} onChange={setChoice} onClose={() => setChoosing(false)} /> : null}
        </>
      ) : !hunt.running && !noData ? (
        <p className="muted hint">Choose the settings above and press <b>Run hunt</b>. The defaults are the spec's: any measure, the last 30 days of data, rare on one host, fewer than 6 child launches.</p>
      ) : null}
      {allowDraft ? <AllowPrompt draft={allowDraft} onDone={() => setAllowDraft(null)} /> : null}
    </div>
  );
}

function RunSummary() {
  const { run } = useHunt();
  if (!run) return null;
  const { stats, parameters: p } = run.report;
  const title = `${p.window.description}${p.window.from || p.window.to ? ` (${p.window.from ?? 'start'} to ${p.window.to ?? 'end'})` : ''}`;
  return (
    <p className="run-summary muted small" title={title} data-testid="run-summary">
      {count(stats.serviceInstances)} service processes · {count(stats.allowlisted)} allowlisted · {count(stats.inWindow)} in the window ({describeWindow(p.window.spec)}{p.window.spec.kind === 'days' && p.window.newest ? ` to ${shortTime(p.window.newest)} UTC` : ''}) · {count(stats.rare)} rare · {(run.ms / 1000).toFixed(1)} s
{' '}·{' '}
      <span data-testid="coverage-summary">
        {count(stats.coveredHosts)} of {plural(stats.hosts, 'host')} had process-start coverage in the window ·{' '}
        <span className={stats.thinCoverage ? 'warn-text' : ''}>
          {stats.thinCoverage ? '⚠ ' : ''}{plural(stats.thinCoverage, 'row')} with thin coverage
        </span>{' '}
        (under {plural(p.minCoveredHosts, 'covered host')})
      </span>
    </p>
  );
}

function ParamsForm() {
  const hunt = useHunt();
  const { form, setForm, running } = hunt;
  const set = <K extends keyof HuntForm>(k: K, v: HuntForm[K]) => setForm({ ...form, [k]: v });
  const toggleMeasure = (m: Measure) =>
    set('measures', form.measures.includes(m) ? form.measures.filter((x) => x !== m) : MEASURE_ORDER.filter((x) => x === m || form.measures.includes(x)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void hunt.runHunt();
  };
  const edited = !matchesPreset(form);
  return (
    <form className="params" onSubmit={submit} aria-label="Hunt settings">
      <label className="field preset">
        <span className="label">Preset{edited ? <span className="muted"> (edited)</span> : null}</span>
        <select value={form.preset} onChange={(e) => setForm(formFromPreset(e.target.value as PresetName, form))}>
          {PRESETS.map((p) => <option key={p.name} value={p.name}>{p.label}</option>)}
        </select>
      </label>
      <fieldset className="field measures">
        <legend className="label">Rare by</legend>
        {MEASURE_ORDER.map((m) => (
          <label key={m} className="inline" title={MEASURE_LABELS[m].help}>
            <input type="checkbox" checked={form.measures.includes(m)} onChange={() => toggleMeasure(m)} /> {MEASURE_LABELS[m].label}
          </label>
        ))}
        <select value={form.match} onChange={(e) => set('match', e.target.value as 'any' | 'all')} aria-label="Match any or all measures">
          <option value="any">any of them</option>
          <option value="all">all of them</option>
        </select>
      </fieldset>
      <label className="field">
        <span className="label">Window</span>
        <select value={form.window} onChange={(e) => set('window', e.target.value as WindowMode)}>
          <option value="30d">Last 30 days</option>
          <option value="7d">Last 7 days</option>
          <option value="all">All time</option>
          <option value="custom">Custom range…</option>
        </select>
      </label>
      {form.window === 'custom' ? (
        <>
          <label className="field">
            <span className="label">From (UTC)</span>
            <input type="datetime-local" value={form.from} onChange={(e) => set('from', e.target.value)} />
          </label>
          <label className="field">
            <span className="label">To (UTC)</span>
            <input type="datetime-local" value={form.to} onChange={(e) => set('to', e.target.value)} />
          </label>
        </>
      ) : null}
      <label className="field num" title="Unique binary and unique path: rare when on at most this many hosts">
        <span className="label">Max hosts</span>
        <input type="number" min={1} value={Number.isFinite(form.maxHosts) ? form.maxHosts : ''} onChange={(e) => set('maxHosts', e.target.valueAsNumber)} />
      </label>
      <label className="field num" title="Rare per host: fewer than this many child launches">
        <span className="label">Max launches</span>
        <input type="number" min={1} value={Number.isFinite(form.maxLaunches) ? form.maxLaunches : ''} onChange={(e) => set('maxLaunches', e.target.valueAsNumber)} />
      </label>
      <label className="field num" title="Flag a row whose rarity was measured over fewer hosts than this with process-start logs that day (the row stays; “seen on 1 host” means little when few hosts were logging)">
        <span className="label">Min covered hosts</span>
        <input type="number" min={1} value={Number.isFinite(form.minCoveredHosts) ? form.minCoveredHosts : ''} onChange={(e) => set('minCoveredHosts', e.target.valueAsNumber)} />
      </label>
      <label className="inline field trusted" title="Keep binaries with a trusted code signature in the unique-binary measure (the Elastic query leaves them out)">
        <input type="checkbox" checked={form.includeTrusted} onChange={(e) => set('includeTrusted', e.target.checked)} /> Include trusted signed
      </label>
      <div className="field run">
        <button type="submit" className="primary" disabled={running}>{running ? 'Hunting…' : 'Run hunt'}</button>
      </div>
      {hunt.run ? <span className="sr-only">Last run: {describeWindow(hunt.run.params.window)}</span> : null}
    </form>
  );
}
