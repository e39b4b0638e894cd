// Cases: create or open a case file, reopen a recent one, and see what the open case holds.
import { useEffect, useState, type FormEvent } from 'react';
import type { RecentCase } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { useImports } from '../state/imports.js';
import { SafeText } from '../components/SafeText.js';
import { ScreenHead, Stat } from '../components/ui.js';
import { usePicker } from '../components/usePicker.js';
import { baseName, count, dirName, fullTime, joinPath, shortTime, stamp } from '../lib/format.js';

const CASE_EXT = /\.(longtail|sqlite|db)$/i;

export function CasesScreen() {
  const { bridge, caseInfo, setCase, go, fail, tell } = useApp();
  const imports = useImports();
  const [picker, pick] = usePicker();
  const [recent, setRecent] = useState<RecentCase[]>([]);
  const [newPath, setNewPath] = useState('');
  const [openPath, setOpenPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shell = bridge.shell;

  useEffect(() => {
    bridge.call('case.recent', {}).then(setRecent, (err: unknown) => fail(err, 'Reading recent cases'));
  }, [bridge, fail, caseInfo?.path]);

  // Suggest a new case file in the home folder (browser mode knows it from fs.list).
  useEffect(() => {
    if (newPath) return;
    const name = `case-${stamp()}.longtail`;
    if (shell) {
      setNewPath('');
      return;
    }
    bridge.call('fs.list', { dir: null }).then((l) => setNewPath((cur) => cur || joinPath(l.dir, name)), () => setNewPath(name));
  }, [bridge, shell, newPath]);

  const act = async (what: 'create' | 'open', path: string) => {
    if (!path.trim()) {
      setError(what === 'create' ? 'Type where the new case file goes.' : 'Type or choose the case file to open.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const info = await bridge.call(what === 'create' ? 'case.create' : 'case.open', { path: path.trim() });
      setCase(info);
      tell(`${what === 'create' ? 'Created' : 'Opened'} ${info.path}`);
      if (what === 'create') {
        setNewPath('');
        go('import');
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const chooseNew = async () => {
    if (shell) {
      const p = await shell.saveFile(baseName(newPath) || `case-${stamp()}.longtail`, 'case');
      if (p) setNewPath(p);
      return;
    }
    const [dir] = await pick({ mode: 'folder', title: 'Where should the new case file go?', startDir: newPath ? dirName(newPath) || null : null });
    if (dir) setNewPath(joinPath(dir, baseName(newPath) || `case-${stamp()}.longtail`));
  };

  const chooseOpen = async () => {
    if (shell) {
      const p = await shell.openCase();
      if (p) {
        setOpenPath(p);
        await act('open', p);
      }
      return;
    }
    const [p] = await pick({ mode: 'file', title: 'Open a case file', accept: (e) => CASE_EXT.test(e.name), startDir: openPath ? dirName(openPath) || null : null });
    if (p) {
      setOpenPath(p);
      await act('open', p);
    }
  };

  const close = async () => {
    try {
      await bridge.call('case.close', {});
      setCase(null);
    } catch (err) {
      fail(err, 'Closing the case');
    }
  };

  const submit = (what: 'create' | 'open') => (e: FormEvent) => {
    e.preventDefault();
    void act(what, what === 'create' ? newPath : openPath);
  };

  return (
    <div className="screen cases">
      <ScreenHead title="Cases">
        {caseInfo ? <button type="button" onClick={() => void close()} disabled={imports.running}>Close case</button> : null}
      </ScreenHead>
      <div className="scroll">
        {caseInfo ? <CaseOverview /> : (
          <p className="intro">
            Longtail finds programs that Windows services started on only one or a few of your hosts, with what
            each of them did. Everything stays on this computer. Start with a <strong>case file</strong>: one
            file that holds the data you import and your allowlist.
          </p>
        )}

        <div className="cards">
          <form className="card" onSubmit={submit('create')} aria-labelledby="new-case-h">
            <h2 id="new-case-h">New case</h2>
            <label>
              <span className="label">Case file to create</span>
              <input type="text" value={newPath} onChange={(e) => setNewPath(e.target.value)} placeholder="/path/to/case.longtail" spellCheck={false} />
            </label>
            <div className="row">
              <button type="button" onClick={() => void chooseNew()}>{shell ? 'Choose location…' : 'Choose folder…'}</button>
              <button type="submit" className="primary" disabled={busy || imports.running}>Create case</button>
            </div>
          </form>

          <form className="card" onSubmit={submit('open')} aria-labelledby="open-case-h">
            <h2 id="open-case-h">Open a case</h2>
            <label>
              <span className="label">Case file</span>
              <input type="text" value={openPath} onChange={(e) => setOpenPath(e.target.value)} placeholder="/path/to/case.longtail" spellCheck={false} />
            </label>
            <div className="row">
              <button type="button" onClick={() => void chooseOpen()} disabled={busy || imports.running}>Browse…</button>
              <button type="submit" className="primary" disabled={busy || imports.running}>Open case</button>
            </div>
          </form>

          <section className="card recent" aria-labelledby="recent-h">
            <h2 id="recent-h">Recent cases</h2>
            {recent.length === 0 ? <p className="muted">None yet.</p> : (
              <ul className="recent-list">
                {recent.map((r) => (
                  <li key={r.path}>
                    <button type="button" className="link" disabled={busy || imports.running || r.path === caseInfo?.path} onClick={() => void act('open', r.path)} title={r.path}>
                      <SafeText value={baseName(r.path)} oneLine />
                    </button>
                    <span className="muted small">
                      <SafeText value={dirName(r.path)} oneLine /> · {shortTime(r.openedAt)}
                      {r.path === caseInfo?.path ? ' · open' : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      </div>
      {picker}
    </div>
  );
}

function CaseOverview() {
  const { caseInfo, go } = useApp();
  if (!caseInfo) return null;
  const e = caseInfo.events;
  return (
    <section className="overview" aria-labelledby="case-h">
      <h2 id="case-h" className="case-path"><SafeText value={caseInfo.path} oneLine /></h2>
      <div className="stats">
        <Stat label="input files" value={count(caseInfo.inputs)} />
        <Stat label="hosts" value={count(caseInfo.hosts.length)} />
        <Stat label="process starts" value={count(e.process)} />
        <Stat label="network events" value={count(e.network)} />
        <Stat label="file events" value={count(e.file)} />
        <Stat label="DLL loads" value={count(e.image)} />
        <Stat label="service installs" value={count(e.service)} />
      </div>
      <p className="coverage">
        <span className="label">Time covered</span>{' '}
        {caseInfo.first ? <>{fullTime(caseInfo.first)} → {fullTime(caseInfo.last)}</> : <span className="muted">nothing imported yet</span>}
      </p>
      <div className="row">
        {caseInfo.inputs === 0 ? (
          <button type="button" className="primary" onClick={() => go('import')}>Import data…</button>
        ) : (
          <>
            <button type="button" className="primary" onClick={() => go('hunt')}>Hunt</button>
            <button type="button" onClick={() => go('import')}>Import more…</button>
          </>
        )}
      </div>
      {caseInfo.hosts.length > 0 ? (
        <div className="table-wrap hosts-wrap">
          <table className="plain hosts">
            <caption className="sr-only">Hosts in the case</caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Seen as</th>
                <th scope="col" className="num">Processes</th>
                <th scope="col">First event (UTC)</th>
                <th scope="col">Last event (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {caseInfo.hosts.map((h) => (
                <tr key={h.key}>
                  <td><SafeText value={h.key} oneLine /></td>
                  <td className="spellings">{h.names.map((n, i) => <span key={i} className="chip-inline"><SafeText value={n} oneLine /></span>)}</td>
                  <td className="num">{count(h.processes)}</td>
                  <td>{shortTime(h.first)}</td>
                  <td>{shortTime(h.last)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
