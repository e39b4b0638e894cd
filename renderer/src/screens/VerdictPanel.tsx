// The opened row's verdict: four buttons, a note (saved with its button, on leaving the
// field, and when the panel goes away with the note still unsaved: typed text is never
// dropped), who set it and when, and "Benign, and allowlist it".
import { useEffect, useId, useRef, useState } from 'react';
import type { AllowEntry, ReportRow, Verdict } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { useHunt } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { VERDICTS, VERDICT_LABELS, verdictWho } from '../lib/verdicts.js';

type AllowBy = 'name' | 'hash' | 'path';
const KEY_OF: Record<Verdict, string> = { unreviewed: 'u', benign: 'b', suspicious: 's', malicious: 'm' };

/** What the entry will match, as near as the row says it (the core stores the name lowercased and the path normalized). */
function valueFor(row: ReportRow, by: AllowBy): string | null {
  return by === 'name' ? row.name : by === 'hash' ? row.hash : row.pathKey ?? row.path;
}

export function VerdictPanel({ row }: { row: ReportRow }) {
  const hunt = useHunt();
  const { setVerdict } = hunt;
  const id = row.instanceId;
  const noteId = useId();
  const [draft, setDraft] = useState(row.note);
  // The stored note the draft started from: when the stored one changes (a save, a change
  // made elsewhere) a draft nobody edited follows it, an edited one is kept.
  const [base, setBase] = useState(row.note);
  if (row.note !== base) {
    setBase(row.note);
    if (draft === base) setDraft(row.note);
  }
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const inFlight = useRef<string | null>(null);
  const dirty = draft !== row.note;

  const saveNote = async () => {
    if (draft === row.note || inFlight.current === draft) return;
    inFlight.current = draft;
    setSaving(true);
    const change = await setVerdict([id], row.verdict, draft);
    inFlight.current = null;
    setSaving(false);
    if (change) setSavedAt(change.at);
  };

  // Leaving with a note still unsaved (another row opened, the panel closed): save it.
  const latest = useRef({ draft, note: row.note, verdict: row.verdict, setVerdict });
  useEffect(() => {
    latest.current = { draft, note: row.note, verdict: row.verdict, setVerdict };
  }, [draft, row.note, row.verdict, setVerdict]);
  useEffect(() => () => {
    const l = latest.current;
    if (l.draft !== l.note && inFlight.current !== l.draft) void l.setVerdict([id], l.verdict, l.draft);
  }, [id]);

  const choose = (v: Verdict) => {
    // An unsaved note goes with the verdict rather than being left behind.
    void setVerdict([id], v, dirty ? draft : undefined);
  };

  return (
    <div className="verdict-panel">
      <div className="verdict-buttons" role="group" aria-label="Verdict">
        {VERDICTS.map((v) => (
          <button
            key={v}
            type="button"
            className={`verdict-btn v-${v} ${row.verdict === v ? 'on' : ''}`}
            aria-pressed={row.verdict === v}
            title={`${VERDICT_LABELS[v]} (key ${KEY_OF[v]} in the grid)`}
            onClick={() => choose(v)}
          >
            {VERDICT_LABELS[v]}
          </button>
        ))}
      </div>
      <p className="muted small verdict-who" data-testid="verdict-who"><SafeText value={verdictWho(row)} /></p>
      <label htmlFor={noteId} className="label">Note</label>
      <textarea
        id={noteId}
        className="note-text"
        value={draft}
        rows={3}
        maxLength={20_000}
        spellCheck
        placeholder="What you found, a ticket number…"
        onChange={(e) => {
          setDraft(e.target.value);
          setSavedAt(null);
        }}
        onBlur={() => void saveNote()}
      />
      <div className="row note-actions">
        <button type="button" onClick={() => void saveNote()} disabled={!dirty || saving}>{saving ? 'Saving…' : 'Save note'}</button>
        {dirty ? <button type="button" className="link small" onClick={() => setDraft(row.note)}>Undo changes</button> : null}
        <span className="muted small" role="status">{dirty ? 'Not saved yet' : savedAt ? 'Note saved.' : ''}</span>
      </div>
      <BenignAllow row={row} note={dirty ? draft : undefined} />
    </div>
  );
}

function BenignAllow({ row, note }: { row: ReportRow; note: string | undefined }) {
  const hunt = useHunt();
  const [by, setBy] = useState<AllowBy>(() => (row.name ? 'name' : row.hash ? 'hash' : 'path'));
  const [hostOnly, setHostOnly] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<AllowEntry | null>(null);
  const value = valueFor(row, by);

  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await hunt.benignAllow(row.instanceId, by, hostOnly, note);
      setAdded(res.entry);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="benign-allow">
      <legend className="label">Benign, and allowlist it</legend>
      <div className="row">
        <label className="inline">
          <span className="sr-only">Allowlist by</span>
          <select value={by} onChange={(e) => setBy(e.target.value as AllowBy)} aria-label="Allowlist by">
            <option value="name" disabled={!row.name}>by name</option>
            <option value="hash" disabled={!row.hash}>by hash</option>
            <option value="path" disabled={!row.path}>by path</option>
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={hostOnly} onChange={(e) => setHostOnly(e.target.checked)} /> This host only
        </label>
        <button type="button" onClick={() => void go()} disabled={busy || !value || added !== null}>
          {busy ? 'Saving…' : 'Benign, and allowlist it'}
        </button>
      </div>
      {!added ? (
        <p className="muted small">
          Marks it benign and leaves every service process with this {by}{hostOnly ? <> on <SafeText value={row.host} oneLine /></> : ' on any host'} out of later hunts:{' '}
          <SafeText value={value} className="mono wrap" empty="(none known)" />
        </p>
      ) : null}
      {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      {added ? (
        <div className="success" role="status" data-testid="allow-added">
          Marked benign and added to the allowlist: {added.kind} <SafeText value={added.value} className="mono" />{' '}
          {added.hosts?.length ? <>on <SafeText value={added.hosts.join(', ')} oneLine /></> : 'on every host'}.
          {' '}The results still show it until the hunt runs again.{' '}
          <button type="button" className="primary small" onClick={() => void hunt.rerun()} disabled={hunt.running}>Run the hunt again</button>
        </div>
      ) : null}
    </fieldset>
  );
}
