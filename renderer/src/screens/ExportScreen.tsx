// Export: the current results (as filtered in the table, or all) to CSV or JSON. The
// core writes the file, with the parameters, rules, allowlist and inputs it used. Below
// it, the same hunt as a query for the SIEM (QueryExport).
import { useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { useHunt } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { Empty, ScreenHead } from '../components/ui.js';
import { COLUMN_BY_KEY, type ColumnKey } from '../lib/table.js';
import { count, dirName, fullTime, joinPath, plural, stamp } from '../lib/format.js';
import { MEASURE_LABELS } from '../lib/hunt-form.js';
import { QueryExport } from './QueryExport.js';

type Format = 'csv' | 'json';

function withExt(p: string, f: Format): string {
  return /\.(csv|json)$/i.test(p) ? p.replace(/\.(csv|json)$/i, `.${f}`) : p;
}

export function ExportScreen() {
  const { bridge, caseInfo, go } = useApp();
  const hunt = useHunt();
  const { run, view, filter, filtered } = hunt;
  const [format, setFormat] = useState<Format>('csv');
  const [which, setWhich] = useState<'view' | 'all'>('view');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<{ path: string; rows: number; format: Format } | null>(null);

  useEffect(() => {
    if (!path && caseInfo) setPath(joinPath(dirName(caseInfo.path), `longtail-report-${stamp()}.${format}`));
  }, [caseInfo, path, format]);

  if (!run) {
    return (
      <div className="screen export">
        <ScreenHead title="Export" />
        <Empty title="Nothing to export yet">
          <p>Run the hunt first: <button type="button" className="link" onClick={() => go('hunt')}>go to Hunt</button>.</p>
        </Empty>
      </div>
    );
  }

  const onlyView = which === 'view' && filtered;
  const rows = onlyView ? view.length : run.report.rows.length;
  const p = run.report.parameters;

  const choose = async () => {
    if (!bridge.shell) return;
    const chosen = await bridge.shell.saveFile(path.split(/[\\/]/).pop() || `longtail-report-${stamp()}.${format}`, format);
    if (chosen) setPath(chosen);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) {
      setError('Type where the report goes.');
      return;
    }
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      const res = await bridge.call('hunt.export', {
        params: run.params,
        instanceIds: onlyView ? view.map((r) => r.instanceId) : null,
        format,
        path: path.trim(),
      });
      setWritten({ ...res, format });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const activeFilters: string[] = [];
  if (filter.global.trim()) activeFilters.push(`search “${filter.global.trim()}”`);
  if (filter.host) activeFilters.push(`host ${filter.host}`);
  if (filter.verdict !== 'any') activeFilters.push(`verdict ${filter.verdict}`);
  for (const [k, v] of Object.entries(filter.columns)) if (v?.trim()) activeFilters.push(`${COLUMN_BY_KEY[k as ColumnKey].label} “${v.trim()}”`);

  return (
    <div className="screen export">
      <ScreenHead title="Export" />
      <div className="scroll">
        <form className="card export-form" onSubmit={(e) => void submit(e)} aria-label="Export the results">
          <fieldset>
            <legend className="label">Rows</legend>
            <label className="inline">
              <input type="radio" name="which" checked={which === 'view'} onChange={() => setWhich('view')} />
              The rows shown in the table: <b>{count(view.length)}</b> of {count(run.report.rows.length)}
              {filtered ? <span className="muted"> (filtered by <SafeText value={activeFilters.join(', ')} oneLine />)</span> : <span className="muted"> (no filters)</span>}
            </label>
            <label className="inline">
              <input type="radio" name="which" checked={which === 'all'} onChange={() => setWhich('all')} />
              Every row of the hunt: {count(run.report.rows.length)}
            </label>
          </fieldset>
          <fieldset>
            <legend className="label">Format</legend>
            <label className="inline">
              <input type="radio" name="format" checked={format === 'csv'} onChange={() => { setFormat('csv'); setPath((cur) => withExt(cur, 'csv')); }} /> CSV (spreadsheets; formulas neutralized)
            </label>
            <label className="inline">
              <input type="radio" name="format" checked={format === 'json'} onChange={() => { setFormat('json'); setPath((cur) => withExt(cur, 'json')); }} /> JSON (sets as arrays)
            </label>
          </fieldset>
          <label>
            <span className="label">Save to (a path on the computer running Longtail)</span>
            <input type="text" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} className="mono" aria-label="Export file path" />
          </label>
          <div className="row">
            {bridge.shell ? <button type="button" onClick={() => void choose()}>Choose…</button> : null}
            <button type="submit" className="primary" disabled={busy || rows === 0}>{busy ? 'Exporting…' : `Export ${plural(rows, 'row')}`}</button>
          </div>
          {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
          {written ? (
            <p className="success" role="status" data-testid="export-result">
              Wrote {plural(written.rows, 'row')} as {written.format.toUpperCase()} to <SafeText value={written.path} className="mono" />
            </p>
          ) : null}
          <p className="muted small">
            Rows are written in the report's order (host, then start time), with every enrichment set. The file also records the parameters below, the path rules, the allowlist and the input files (name and SHA-256).
          </p>
        </form>
        <QueryExport params={run.params} />
        <section className="card" aria-labelledby="params-h">
          <h2 id="params-h">Parameters recorded</h2>
          <dl className="kv">
            <dt>Preset</dt><dd>{p.preset}</dd>
            <dt>Rare by</dt><dd>{p.measures.map((m) => MEASURE_LABELS[m].label).join(', ')} ({p.match === 'any' ? 'any of them' : 'all of them'})</dd>
            <dt>Window</dt><dd><SafeText value={p.window.description} oneLine />{p.window.from || p.window.to ? <span className="muted"> ({p.window.from ? fullTime(p.window.from) : 'start'} → {p.window.to ? fullTime(p.window.to) : 'end'})</span> : null}</dd>
            <dt>Max hosts</dt><dd>{p.maxHosts}</dd>
            <dt>Max launches</dt><dd>{p.maxLaunches}</dd>
            <dt>Min covered hosts</dt><dd>{p.minCoveredHosts} <span className="muted">(rows measured over fewer hosts with process-start logs are flagged)</span></dd>
            <dt>Trusted binaries</dt><dd>{p.includeTrusted ? 'kept in the unique-binary measure' : 'left out of the unique-binary measure'}</dd>
            <dt>Allowlist</dt><dd>{plural(p.allowlist.filter((a) => a.enabled).length, 'enabled entry', 'enabled entries')}</dd>
            <dt>Path rules</dt><dd>{plural(p.pathRules.filter((r) => r.enabled).length, 'enabled rule')}</dd>
            <dt>Inputs</dt><dd>{plural(run.report.inputs.length, 'file')}</dd>
          </dl>
        </section>
      </div>
    </div>
  );
}
