// The hunt as configured, as a query for the SIEM that holds the rest of the fleet
// (issue 12). The core writes the text (hunt.query); here it is shown, copied or saved.
// The text carries allowlist values and path rules, which may come from an imported
// file: it is only ever a text box's value, never markup.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiArgs, Results } from '../../../src-core/api/contract.js';
import type { HuntParams } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { SafeText } from '../components/SafeText.js';
import { linesWithControls } from '../lib/controls.js';
import { baseName, dirName, joinPath } from '../lib/format.js';

type Target = 'defender' | 'sentinel' | 'elastic';
type QueryKind = Pick<ApiArgs<'hunt.query'>, 'dialect' | 'target'>;
type Query = Results['hunt.query'];

const TARGETS: Record<Target, { label: string; hint: string; query: QueryKind }> = {
  defender: { label: 'KQL · Defender XDR advanced hunting', hint: 'Device… tables, by Timestamp', query: { dialect: 'kql', target: 'defender' } },
  sentinel: { label: 'KQL · Microsoft Sentinel', hint: 'the same tables in a Log Analytics workspace, by TimeGenerated', query: { dialect: 'kql', target: 'sentinel' } },
  elastic: { label: 'ES|QL · Elastic', hint: 'Elastic Defend, Sysmon and Security data streams', query: { dialect: 'esql' } },
};

function withQueryExt(p: string, dialect: Query['dialect']): string {
  return /\.(kql|esql)$/i.test(p) ? p.replace(/\.(kql|esql)$/i, `.${dialect}`) : p;
}

export function QueryExport({ params }: { params: HuntParams }) {
  const { bridge, caseInfo } = useApp();
  const [target, setTarget] = useState<Target>('defender');
  const [query, setQuery] = useState<Query | null>(null);
  // null: the default, the case's folder and the query's file name, which follows the target.
  const [path, setPath] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    // A slower answer for the previous target must not replace this one's.
    let live = true;
    setError(null);
    bridge.call('hunt.query', { params, ...TARGETS[target].query }).then(
      (q) => { if (live) setQuery(q); },
      (err: unknown) => { if (live) { setQuery(null); setError(errorText(err)); } },
    );
    return () => { live = false; };
  }, [bridge, params, target]);

  const defaultPath = query ? (caseInfo ? joinPath(dirName(caseInfo.path), query.fileName) : query.fileName) : '';
  const shownPath = path ?? defaultPath;
  const hidden = query ? linesWithControls(query.text) : [];

  const pick = (t: Target) => {
    setTarget(t);
    setQuery(null);
    setPath((cur) => (cur === null ? null : withQueryExt(cur, TARGETS[t].query.dialect)));
    setWritten(null);
    setCopied(null);
  };

  const copy = async () => {
    if (!query) return;
    try {
      // Throws, not only rejects, where the page has no async clipboard (an insecure origin).
      await navigator.clipboard.writeText(query.text);
      setCopied('Copied to the clipboard.');
      return;
    } catch {
      // refused (no permission, not focused, no API): copy the selected text instead
    }
    const el = area.current;
    el?.focus();
    el?.select();
    // Deprecated, but the one way left when the async clipboard is refused.
    setCopied(el && document.execCommand('copy') ? 'Copied to the clipboard.' : 'Could not copy: the query is selected, press Ctrl+C.');
  };

  const choose = async () => {
    if (!bridge.shell || !query) return;
    try {
      const chosen = await bridge.shell.saveFile(baseName(shownPath) || query.fileName, query.dialect);
      if (chosen) setPath(chosen);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const out = shownPath.trim();
    if (!out) {
      setError('Type where the query goes.');
      return;
    }
    setBusy(true);
    setError(null);
    setWritten(null);
    try {
      const q = await bridge.call('hunt.query', { params, ...TARGETS[target].query, path: out });
      // Its header carries a new time: show what the file holds.
      setQuery(q);
      setWritten(q.path ?? out);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card export-form query-export" onSubmit={(e) => void save(e)} aria-labelledby="query-h">
      <h2 id="query-h">Query for the SIEM</h2>
      <p className="muted small">
        The hunt as run here (measures, thresholds, window, the case's allowlist and path rules), to run over the rest of the fleet where its logs are kept.
      </p>
      <fieldset disabled={busy}>
        <legend className="label">Run it in</legend>
        {(Object.keys(TARGETS) as Target[]).map((t) => (
          <label className="inline" key={t}>
            <input type="radio" name="query-target" checked={target === t} onChange={() => pick(t)} /> {TARGETS[t].label}
            <span className="muted small"> ({TARGETS[t].hint})</span>
          </label>
        ))}
      </fieldset>
      {query && query.warnings.length > 0 ? (
        <ul className="note query-warnings" aria-label="Query warnings">
          {query.warnings.map((w, i) => <li key={i}><SafeText value={w} /></li>)}
        </ul>
      ) : null}
      {query && hidden.length > 0 ? <HiddenLines text={query.text} lines={hidden} /> : null}
      <textarea
        ref={area}
        className="mono exported query-text"
        readOnly
        value={query?.text ?? ''}
        placeholder={error ? '' : 'Writing the query…'}
        aria-label="The query"
        aria-busy={!query && !error}
        rows={18}
        wrap="off"
        dir="ltr"
        spellCheck={false}
      />
      <div className="row">
        <button type="button" onClick={() => void copy()} disabled={!query}>Copy</button>
        <span className="muted small" role="status" data-testid="query-copied">{copied}</span>
      </div>
      <label>
        <span className="label">Save to (a path on the computer running Longtail)</span>
        <input type="text" value={shownPath} onChange={(e) => setPath(e.target.value)} spellCheck={false} className="mono" aria-label="Query file path" />
      </label>
      <div className="row">
        {bridge.shell ? <button type="button" onClick={() => void choose()} disabled={!query}>Choose…</button> : null}
        <button type="submit" className="primary" disabled={busy || !query}>{busy ? 'Saving…' : 'Save the query'}</button>
      </div>
      {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      {written && query ? (
        <p className="success" role="status" data-testid="query-result">
          Wrote the {TARGETS[target].label} query to <SafeText value={written} className="mono" />
        </p>
      ) : null}
    </form>
  );
}

const SHOWN_LINES = 8;

/** A text box cannot style hidden characters: the lines holding them, shown escaped. */
function HiddenLines({ text, lines }: { text: string; lines: number[] }) {
  const all = text.split('\n');
  return (
    <div className="note hidden-lines" role="note" aria-label="Hidden characters in the query">
      <p>
        {lines.length === 1 ? 'Line' : 'Lines'} {lines.join(', ')} {lines.length === 1 ? 'holds' : 'hold'} hidden or direction-changing characters (from the allowlist or the path rules): the box below may show that text hidden or reordered. Copy and Save keep them as they are. As written:
      </p>
      <ul>
        {lines.slice(0, SHOWN_LINES).map((n) => (
          <li key={n} className="mono"><span className="muted">{n}:</span> <SafeText value={all[n - 1]} oneLine /></li>
        ))}
        {lines.length > SHOWN_LINES ? <li className="muted">and {lines.length - SHOWN_LINES} more</li> : null}
      </ul>
    </div>
  );
}
