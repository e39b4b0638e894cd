// The allowlist (what the hunt leaves out) and the path normalization rules (how paths
// are compared across hosts). Every change re-runs the hunt so the results follow.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AllowEntry, PathRule, PathRuleInput } from '../../../src-core/model/hunt.js';
import type { Results } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { useHunt } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { Badge, ScreenHead } from '../components/ui.js';
import { AllowPrompt, type AllowDraft } from '../components/AllowPrompt.js';
import { useConfirm } from '../components/useConfirm.js';
import { Modal } from '../components/Modal.js';
import { downloadText } from '../lib/download.js';
import { regexProblem } from '../lib/lists.js';
import { count, stamp } from '../lib/format.js';

type Tab = 'allow' | 'rules';

export function ListsScreen() {
  const [tab, setTab] = useState<Tab>('allow');
  return (
    <div className="screen lists">
      <ScreenHead title="Allowlist & path rules">
        <div className="tabs" role="tablist" aria-label="Lists">
          <button type="button" role="tab" id="tab-allow" aria-controls="panel-allow" aria-selected={tab === 'allow'} className={tab === 'allow' ? 'active' : ''} onClick={() => setTab('allow')}>Allowlist</button>
          <button type="button" role="tab" id="tab-rules" aria-controls="panel-rules" aria-selected={tab === 'rules'} className={tab === 'rules' ? 'active' : ''} onClick={() => setTab('rules')}>Path rules</button>
        </div>
      </ScreenHead>
      <div className="scroll">
        {tab === 'allow' ? (
          <div role="tabpanel" id="panel-allow" aria-labelledby="tab-allow"><AllowlistEditor /></div>
        ) : (
          <div role="tabpanel" id="panel-rules" aria-labelledby="tab-rules"><RulesEditor /></div>
        )}
      </div>
    </div>
  );
}

function AllowlistEditor() {
  const { bridge, fail, tell, caseInfo } = useApp();
  const hunt = useHunt();
  const [entries, setEntries] = useState<AllowEntry[] | null>(null);
  const [draft, setDraft] = useState<AllowDraft | null>(null);
  const [confirmEl, confirm] = useConfirm();
  const [importing, setImporting] = useState<{ name: string; text: string } | null>(null);
  const [exported, setExported] = useState<{ format: 'json' | 'csv'; text: string; name: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      setEntries(await bridge.call('allowlist.list', {}));
    } catch (err) {
      fail(err, 'Reading the allowlist');
    }
  }, [bridge, fail]);
  useEffect(() => {
    void load();
  }, [load, caseInfo?.path]);

  const changed = useCallback(async () => {
    await load();
    if (hunt.run) void hunt.rerun();
  }, [load, hunt]);

  const toggle = async (e: AllowEntry) => {
    try {
      await bridge.call('allowlist.update', { entry: { ...e, enabled: !e.enabled } });
      await changed();
    } catch (err) {
      fail(err, 'Saving the entry');
    }
  };

  const remove = async (e: AllowEntry) => {
    if (!(await confirm({ title: 'Delete this entry?', body: <p>Delete the {e.kind} entry <SafeText value={e.value} oneLine className="mono" />? The hunt will include what it matched again.</p>, confirm: 'Delete', danger: true }))) return;
    try {
      await bridge.call('allowlist.delete', { id: e.id });
      await changed();
    } catch (err) {
      fail(err, 'Deleting the entry');
    }
  };

  const reset = async () => {
    if (!(await confirm({ title: 'Reset the allowlist?', body: <p>Replace the whole allowlist with the defaults (the KQL hunt's five names)? Your own entries are lost; export them first if you want to keep them.</p>, confirm: 'Reset to defaults', danger: true }))) return;
    try {
      await bridge.call('allowlist.reset', {});
      await changed();
      tell('The allowlist is back to its defaults.');
    } catch (err) {
      fail(err, 'Resetting the allowlist');
    }
  };

  const exportAs = async (format: 'json' | 'csv') => {
    try {
      const { text } = await bridge.call('allowlist.export', { format });
      setExported({ format, text, name: `longtail-allowlist-${stamp()}.${format}` });
    } catch (err) {
      fail(err, 'Exporting the allowlist');
    }
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      setImporting({ name: file.name, text: await file.text() });
    } catch (err) {
      fail(err, 'Reading the file');
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const doImport = async (replace: boolean) => {
    if (!importing) return;
    try {
      const list: Results['allowlist.import'] = await bridge.call('allowlist.import', { text: importing.text, replace });
      setImporting(null);
      await changed();
      tell(`Imported ${importing.name}: the allowlist now has ${count(list.length)} entries.`);
    } catch (err) {
      fail(errorText(err), `Importing ${importing.name}`);
      setImporting(null);
    }
  };

  return (
    <section aria-labelledby="allow-h">
      <div className="section-head">
        <h2 id="allow-h">Allowlist {entries ? <span className="muted">({entries.length})</span> : null}</h2>
        <div className="row">
          <button type="button" className="primary" onClick={() => setDraft({ kind: 'name', value: '', hosts: null, reason: '', enabled: true })}>Add entry…</button>
          <button type="button" onClick={() => fileInput.current?.click()}>Import…</button>
          <input ref={fileInput} type="file" accept=".json,.csv,application/json,text/csv" className="sr-only" tabIndex={-1} aria-label="Allowlist file to import" onChange={(e) => void onFile(e.target.files?.[0])} />
          <button type="button" onClick={() => void exportAs('json')}>Export JSON</button>
          <button type="button" onClick={() => void exportAs('csv')}>Export CSV</button>
          <button type="button" onClick={() => void reset()}>Reset to defaults</button>
        </div>
      </div>
      <p className="muted small">
        Service processes matching an enabled entry are left out before anything is counted (as in the KQL hunt), on every host or only on the hosts listed.
      </p>
      {entries && entries.length === 0 ? <p className="muted">The allowlist is empty: every service process counts.</p> : null}
      {entries && entries.length > 0 ? (
        <div className="table-wrap">
          <table className="plain allow-table">
            <caption className="sr-only">Allowlist entries</caption>
            <thead>
              <tr>
                <th scope="col">On</th>
                <th scope="col">Kind</th>
                <th scope="col">Value</th>
                <th scope="col">Hosts</th>
                <th scope="col">Reason</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} className={e.enabled ? '' : 'dim'}>
                  <td><input type="checkbox" checked={e.enabled} onChange={() => void toggle(e)} aria-label={`Enable ${e.kind} ${e.value}`} /></td>
                  <td><Badge tone="info">{e.kind}</Badge></td>
                  <td className="mono wrap"><SafeText value={e.value} /></td>
                  <td>{e.hosts ? e.hosts.map((h, i) => <span key={i} className="chip-inline"><SafeText value={h} oneLine /></span>) : <span className="muted">all</span>}</td>
                  <td className="wrap"><SafeText value={e.reason} empty="" /></td>
                  <td className="actions">
                    <button type="button" className="small" onClick={() => setDraft({ ...e })} aria-label={`Edit ${e.kind} ${e.value}`}>Edit</button>
                    <button type="button" className="small" onClick={() => void remove(e)} aria-label={`Delete ${e.kind} ${e.value}`}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {draft ? <AllowPrompt draft={draft} onDone={(saved) => { setDraft(null); if (saved) void load(); }} /> : null}
      {importing ? (
        <Modal
          title="Import an allowlist"
          onClose={() => setImporting(null)}
          footer={
            <>
              <button type="button" onClick={() => setImporting(null)}>Cancel</button>
              <button type="button" onClick={() => void doImport(true)}>Replace the list</button>
              <button type="button" className="primary" data-autofocus onClick={() => void doImport(false)}>Add to the list</button>
            </>
          }
        >
          <p>Import <SafeText value={importing.name} oneLine className="mono" /> (JSON or CSV, as Longtail exports them)?</p>
          <p className="muted small">“Add” keeps the current entries; “Replace” removes them first.</p>
        </Modal>
      ) : null}
      {exported ? <ExportedList {...exported} onClose={() => setExported(null)} /> : null}
      {confirmEl}
    </section>
  );
}

/**
 * The exported allowlist: to copy, or (browser mode) to download. The core gives the
 * text, not a file; the desktop shell allows no downloads, so there it is copied.
 */
function ExportedList({ format, text, name, onClose }: { format: 'json' | 'csv'; text: string; name: string; onClose(): void }) {
  const { bridge } = useApp();
  const [copied, setCopied] = useState<string | null>(null);
  const saveAs = async () => {
    const target = await bridge.shell?.saveFile(name, format);
    if (!target) return;
    try {
      const r = await bridge.call('allowlist.export', { format, path: target });
      setCopied(`Saved to ${r.path ?? target}.`);
    } catch (err) {
      setCopied(errorText(err));
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The clipboard is not available: select the text and copy it.');
    }
  };
  return (
    <Modal
      title={`Allowlist as ${format.toUpperCase()}`}
      onClose={onClose}
      wide
      footer={
        <>
          <span className="muted small grow" role="status">{copied ?? `${count(text.length)} characters`}</span>
          <button type="button" onClick={onClose}>Close</button>
          {bridge.mode === 'browser' ? (
            <button type="button" onClick={() => downloadText(name, text, format === 'json' ? 'application/json' : 'text/csv')}>Download {name}</button>
          ) : (
            <button type="button" onClick={() => void saveAs()}>Save as…</button>
          )}
          <button type="button" className="primary" data-autofocus onClick={() => void copy()}>Copy</button>
        </>
      }
    >
      <p className="muted small">Import it into another case with “Import…”, or keep it with the case notes. It is the same format the command line reads (<span className="mono">--allowlist FILE</span>).</p>
      <textarea className="mono exported" readOnly value={text} aria-label={`The allowlist as ${format.toUpperCase()}`} rows={14} spellCheck={false} />
    </Modal>
  );
}

interface DraftRule extends PathRuleInput {
  key: number;
}

let ruleKey = 1;
const toDraft = (r: PathRule | PathRuleInput): DraftRule => ({ key: ruleKey++, pattern: r.pattern, replacement: r.replacement, description: r.description, enabled: r.enabled });
const toInput = (r: PathRuleInput): PathRuleInput => ({ pattern: r.pattern, replacement: r.replacement, description: r.description, enabled: r.enabled });

function RulesEditor() {
  const { bridge, fail, tell, caseInfo } = useApp();
  const hunt = useHunt();
  const [saved, setSaved] = useState<PathRuleInput[] | null>(null);
  const [rules, setRules] = useState<DraftRule[]>([]);
  const [preview, setPreview] = useState<Results['rules.preview'] | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmEl, confirm] = useConfirm();

  const apply = (list: PathRule[]) => {
    setSaved(list.map(toInput));
    setRules(list.map(toDraft));
    setPreview(null);
  };
  useEffect(() => {
    bridge.call('rules.list', {}).then(apply, (err: unknown) => fail(err, 'Reading the path rules'));
  }, [bridge, fail, caseInfo?.path]);

  const dirty = saved !== null && JSON.stringify(saved) !== JSON.stringify(rules.map(toInput));
  const problems = rules.map((r) => regexProblem(r.pattern));
  const valid = problems.every((p) => p === null);

  const update = (key: number, patch: Partial<PathRuleInput>) => setRules((cur) => cur.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) =>
    setRules((cur) => {
      const j = i + by;
      if (j < 0 || j >= cur.length) return cur;
      const next = cur.slice();
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });

  const runPreview = async () => {
    setPreviewError(null);
    if (!valid) {
      setPreviewError('Fix the invalid patterns first.');
      return;
    }
    try {
      setPreview(await bridge.call('rules.preview', { rules: rules.map(toInput), limit: 200 }));
    } catch (err) {
      setPreviewError(errorText(err));
    }
  };

  const save = async () => {
    setBusy(true);
    try {
      apply(await bridge.call('rules.replace', { rules: rules.map(toInput) }));
      tell('Path rules saved.');
      if (hunt.run) void hunt.rerun();
    } catch (err) {
      fail(err, 'Saving the path rules');
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (!(await confirm({ title: 'Reset the path rules?', body: <p>Replace the rules with the two defaults of the Elastic hunt?</p>, confirm: 'Reset to defaults', danger: true }))) return;
    try {
      apply(await bridge.call('rules.reset', {}));
      tell('The path rules are back to their defaults.');
      if (hunt.run) void hunt.rerun();
    } catch (err) {
      fail(err, 'Resetting the path rules');
    }
  };

  const changedCount = preview ? preview.filter((p) => p.before !== p.after).length : 0;

  return (
    <section aria-labelledby="rules-h">
      <div className="section-head">
        <h2 id="rules-h">Path normalization rules</h2>
        <div className="row">
          <button type="button" onClick={() => setRules((cur) => [...cur, toDraft({ pattern: '', replacement: '', description: '', enabled: true })])}>Add rule</button>
          <button type="button" onClick={() => void runPreview()}>Preview</button>
          <button type="button" className="primary" disabled={!dirty || !valid || busy} onClick={() => void save()}>Save rules</button>
          <button type="button" disabled={!dirty} onClick={() => saved && setRules(saved.map(toDraft))}>Undo changes</button>
          <button type="button" onClick={() => void reset()}>Reset to defaults</button>
        </div>
      </div>
      <p className="muted small">
        Before the unique-path measure compares paths, each enabled rule replaces every match of its regular expression (JavaScript syntax), in this order; the result is lowercased.
        {dirty ? <strong> Unsaved changes.</strong> : null}
      </p>
      <ol className="rules">
        {rules.map((r, i) => (
          <li key={r.key} className={`rule ${r.enabled ? '' : 'dim'}`}>
            <div className="rule-pos" aria-hidden="true">{i + 1}</div>
            <div className="rule-fields">
              <label className="rule-pattern">
                <span className="label">Pattern</span>
                <input type="text" className={`mono ${problems[i] ? 'invalid' : ''}`} value={r.pattern} onChange={(e) => update(r.key, { pattern: e.target.value })} spellCheck={false} aria-invalid={problems[i] !== null} aria-label={`Rule ${i + 1} pattern`} />
              </label>
              <label className="rule-repl">
                <span className="label">Replace with</span>
                <input type="text" className="mono" value={r.replacement} onChange={(e) => update(r.key, { replacement: e.target.value })} spellCheck={false} aria-label={`Rule ${i + 1} replacement`} placeholder="(nothing)" />
              </label>
              <label className="rule-desc">
                <span className="label">Description</span>
                <input type="text" value={r.description} onChange={(e) => update(r.key, { description: e.target.value })} aria-label={`Rule ${i + 1} description`} />
              </label>
              {problems[i] ? <p className="error small" role="alert">Invalid pattern: {problems[i]}</p> : null}
            </div>
            <div className="rule-actions">
              <label className="inline"><input type="checkbox" checked={r.enabled} onChange={(e) => update(r.key, { enabled: e.target.checked })} aria-label={`Rule ${i + 1} enabled`} /> On</label>
              <button type="button" className="small" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move rule ${i + 1} up`}>↑</button>
              <button type="button" className="small" disabled={i === rules.length - 1} onClick={() => move(i, 1)} aria-label={`Move rule ${i + 1} down`}>↓</button>
              <button type="button" className="small" onClick={() => setRules((cur) => cur.filter((x) => x.key !== r.key))} aria-label={`Delete rule ${i + 1}`}>Delete</button>
            </div>
          </li>
        ))}
      </ol>
      {rules.length === 0 ? <p className="muted">No rules: paths are compared as logged (lowercased).</p> : null}
      {previewError ? <p className="error" role="alert"><SafeText value={previewError} /></p> : null}
      {preview ? (
        <div className="preview">
          <h3>Preview on the case's service paths <span className="muted small">({count(preview.length)} most frequent; {count(changedCount)} keys change with these rules)</span></h3>
          {preview.length === 0 ? <p className="muted">No service process paths in this case yet.</p> : (
            <div className="table-wrap">
              <table className="plain preview-table">
                <thead>
                  <tr><th scope="col">Path as logged</th><th scope="col">Key with the saved rules</th><th scope="col">Key with these rules</th></tr>
                </thead>
                <tbody>
                  {preview.map((p) => (
                    <tr key={p.path} className={p.before !== p.after ? 'changed' : ''}>
                      <td className="mono wrap"><SafeText value={p.path} /></td>
                      <td className="mono wrap"><SafeText value={p.before} /></td>
                      <td className="mono wrap"><SafeText value={p.after} />{p.before !== p.after ? <span className="sr-only"> (changed)</span> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ) : null}
      {confirmEl}
    </section>
  );
}
