// Adding or editing one allowlist entry (also "allowlist this" from a result): kind,
// value, optional host scope, a reason. Saving re-runs the hunt so the results follow.
import { useState, type FormEvent } from 'react';
import type { AllowEntryInput, AllowKind } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { useHunt } from '../state/hunt.js';
import { Modal } from './Modal.js';
import { SafeText } from './SafeText.js';
import { parseHosts } from '../lib/lists.js';

export interface AllowDraft extends AllowEntryInput {
  /** Set when editing an existing entry. */
  id?: number;
  /** The host of the row it came from (offered as a scope). */
  forHost?: string;
  /** What it is about, for the title. */
  label?: string;
}

export const KIND_HELP: Record<AllowKind, string> = {
  name: 'File name of the service process, e.g. vmtoolsd.exe (any folder, any case).',
  path: 'Path glob: * any run, ? one character, case-insensitive; matched against the raw path and the normalized path key.',
  hash: 'sha256:…, sha1:…, md5:… or bare hex (matches any algorithm).',
  signer: 'Exact code-signing signer name.',
};

export function AllowPrompt({ draft, onDone }: { draft: AllowDraft; onDone(saved: boolean): void }) {
  const { bridge, tell } = useApp();
  const hunt = useHunt();
  const [kind, setKind] = useState<AllowKind>(draft.kind);
  const [value, setValue] = useState(draft.value);
  const [hostsText, setHostsText] = useState((draft.hosts ?? []).join(', '));
  const [reason, setReason] = useState(draft.reason);
  const [enabled, setEnabled] = useState(draft.enabled);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fromRow = draft.id === undefined && draft.forHost !== undefined;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) {
      setError('The value cannot be empty.');
      return;
    }
    if (!reason.trim()) {
      setError('Say why (the reason is kept with the entry and in every report).');
      return;
    }
    setBusy(true);
    setError(null);
    const entry: AllowEntryInput = { kind, value: value.trim(), hosts: parseHosts(hostsText), reason: reason.trim(), enabled };
    try {
      if (draft.id !== undefined) await bridge.call('allowlist.update', { entry: { ...entry, id: draft.id } });
      else await bridge.call('allowlist.add', { entry });
      tell(draft.id !== undefined ? 'Allowlist entry saved.' : `Allowlisted ${kind} ${value.trim()}${entry.hosts ? ` on ${entry.hosts.join(', ')}` : ''}.`);
      onDone(true);
      if (hunt.run) void hunt.rerun();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const title = draft.id !== undefined ? 'Edit allowlist entry' : fromRow ? 'Allowlist this service process' : 'Add an allowlist entry';
  return (
    <Modal title={title} onClose={() => onDone(false)}>
      <form className="form" onSubmit={(e) => void save(e)} id="allow-form">
        {fromRow && draft.label ? (
          <p className="muted small">
            Leave <SafeText value={draft.label} oneLine /> out of the hunt. The hunt runs again when you save.
          </p>
        ) : null}
        <label>
          <span className="label">Match by</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as AllowKind)}>
            <option value="name">Name</option>
            <option value="path">Path (glob)</option>
            <option value="hash">Hash</option>
            <option value="signer">Signer</option>
          </select>
        </label>
        <p className="muted small">{KIND_HELP[kind]}</p>
        <label>
          <span className="label">Value</span>
          <input type="text" value={value} onChange={(e) => setValue(e.target.value)} className="mono" spellCheck={false} />
        </label>
        <label>
          <span className="label">Only on these hosts (optional; comma-separated host keys)</span>
          <input type="text" value={hostsText} onChange={(e) => setHostsText(e.target.value)} placeholder="every host" spellCheck={false} />
        </label>
        {draft.forHost && !hostsText.trim() ? (
          <button type="button" className="link small" onClick={() => setHostsText(draft.forHost ?? '')}>
            Only on {draft.forHost}
          </button>
        ) : null}
        <label>
          <span className="label">Reason</span>
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} data-autofocus placeholder="e.g. IT's backup agent, ticket 4521" />
        </label>
        <label className="inline">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
        {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
        <div className="modal-foot">
          <button type="button" onClick={() => onDone(false)}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{draft.id !== undefined ? 'Save' : 'Add to allowlist'}</button>
        </div>
      </form>
    </Modal>
  );
}
