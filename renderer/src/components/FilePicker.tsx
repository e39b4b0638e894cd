// Browser mode's file and folder picker: a browser cannot give file paths, so the core
// lists folders (fs.list) and the user picks paths on the machine running Longtail.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FsEntry, FsListing } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { bytes, baseName } from '../lib/format.js';
import { Modal } from './Modal.js';
import { SafeText } from './SafeText.js';

export type PickMode = 'multi' | 'file' | 'folder';

export interface FilePickerProps {
  mode: PickMode;
  title: string;
  /** Where to start (else the last folder shown, else the home folder). */
  startDir?: string | null;
  /** For mode `file`: which files can be chosen (others are shown dimmed). */
  accept?: (e: FsEntry) => boolean;
  confirmLabel?: string;
  onPick(paths: string[]): void;
  onCancel(): void;
}

let lastDir: string | null = null;

export function FilePicker({ mode, title, startDir, accept, confirmLabel, onPick, onCancel }: FilePickerProps) {
  const { bridge } = useApp();
  const [listing, setListing] = useState<FsListing | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);

  // The folder field is the user's while they edit it: a listing that arrives meanwhile
  // must not overwrite what they are typing.
  const editing = useRef(false);
  const seq = useRef(0);

  const load = useCallback(async (dir: string | null, typedByUser = false) => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const l = await bridge.call('fs.list', { dir });
      if (mine !== seq.current) return;
      setListing(l);
      if (typedByUser || !editing.current) {
        editing.current = false;
        setTyped(l.dir);
      }
      lastDir = l.dir;
    } catch (err) {
      if (mine === seq.current) setError(errorText(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [bridge]);

  useEffect(() => {
    void load(startDir ?? lastDir);
  }, [load, startDir]);

  const toggle = (p: string) => setChosen((cur) => (cur.includes(p) ? cur.filter((c) => c !== p) : [...cur, p]));
  const usable = (e: FsEntry) => mode === 'multi' || (mode === 'file' ? e.kind === 'file' && (!accept || accept(e)) : e.kind === 'dir');

  const confirm = () => {
    if (mode === 'folder') {
      if (listing) onPick([chosen[0] ?? listing.dir]);
      return;
    }
    if (chosen.length) onPick(chosen);
  };

  const entries = listing?.entries ?? [];
  const allHere = entries.filter(usable).map((e) => e.path);
  const allChosen = allHere.length > 0 && allHere.every((p) => chosen.includes(p));

  const footer = (
    <>
      <span className="picker-count" aria-live="polite">
        {mode === 'folder'
          ? <>Folder: <SafeText value={chosen[0] ?? listing?.dir ?? ''} oneLine /></>
          : chosen.length === 0 ? 'Nothing selected' : `${chosen.length} selected`}
      </span>
      <button type="button" onClick={onCancel}>Cancel</button>
      <button type="button" className="primary" disabled={mode === 'folder' ? !listing : chosen.length === 0} onClick={confirm}>
        {confirmLabel ?? (mode === 'multi' ? `Add ${chosen.length || ''} selected`.replace('  ', ' ') : mode === 'file' ? 'Open' : 'Use this folder')}
      </button>
    </>
  );

  return (
    <Modal title={title} onClose={onCancel} footer={footer} wide>
      <form
        className="picker-bar"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) void load(typed.trim(), true);
        }}
      >
        <label className="grow">
          <span className="label">Folder on this computer</span>
          <input
            data-autofocus
            type="text"
            value={typed}
            onChange={(e) => {
              editing.current = true;
              setTyped(e.target.value);
            }}
            spellCheck={false}
            aria-label="Folder path"
          />
        </label>
        <button type="submit">Go</button>
        <button type="button" disabled={!listing?.parent} onClick={() => {
          editing.current = false;
          if (listing?.parent) void load(listing.parent);
        }}>
          ↑ Up
        </button>
      </form>
      {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      <div className="picker-list" aria-busy={loading}>
        <table className="plain">
          <thead>
            <tr>
              <th className="check">
                {mode === 'multi' ? (
                  <input
                    type="checkbox"
                    aria-label="Select everything in this folder"
                    checked={allChosen}
                    onChange={() => setChosen((cur) => (allChosen ? cur.filter((c) => !allHere.includes(c)) : [...new Set([...cur, ...allHere])]))}
                  />
                ) : null}
              </th>
              <th>Name</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && !loading ? (
              <tr><td colSpan={3} className="muted">This folder is empty (hidden entries are not shown).</td></tr>
            ) : null}
            {entries.map((e) => {
              const ok = usable(e);
              const isChosen = chosen.includes(e.path);
              return (
                <tr key={e.path} className={`${isChosen ? 'chosen' : ''} ${ok || e.kind === 'dir' ? '' : 'dim'}`}>
                  <td className="check">
                    {mode === 'multi' ? (
                      <input type="checkbox" checked={isChosen} onChange={() => toggle(e.path)} aria-label={`Select ${e.kind === 'dir' ? 'folder' : 'file'} ${e.name}`} />
                    ) : mode === 'file' && ok ? (
                      <input type="radio" name="pick" checked={isChosen} onChange={() => setChosen([e.path])} aria-label={`Choose ${e.name}`} />
                    ) : null}
                  </td>
                  <td>
                    {e.kind === 'dir' ? (
                      <button type="button" className="link" onClick={() => { editing.current = false; void load(e.path); }} title="Open this folder">
                        <span className="fs-icon" aria-hidden="true">▸</span> <SafeText value={e.name} oneLine />
                        <span className="sr-only"> (folder)</span>
                      </button>
                    ) : (
                      <span
                        className="fs-file"
                        onClick={() => (mode === 'multi' ? toggle(e.path) : ok ? setChosen([e.path]) : undefined)}
                        onDoubleClick={() => mode === 'file' && ok && onPick([e.path])}
                      >
                        <span className="fs-icon" aria-hidden="true">·</span> <SafeText value={e.name} oneLine />
                      </span>
                    )}
                  </td>
                  <td className="num">{e.kind === 'file' ? bytes(e.size) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {mode === 'multi' && chosen.length > 0 ? (
        <ul className="chips" aria-label="Selected">
          {chosen.map((p) => (
            <li key={p}>
              <SafeText value={baseName(p) || p} oneLine tooltip />
              <button type="button" className="icon" aria-label={`Remove ${baseName(p)}`} onClick={() => toggle(p)}>×</button>
            </li>
          ))}
        </ul>
      ) : null}
    </Modal>
  );
}
