// The app's frame: a left navigation, the current screen, and messages.
import { useCallback, useEffect, type ReactNode } from 'react';
import { useApp, type Screen } from './state/app.js';
import { HuntProvider, useHunt } from './state/hunt.js';
import { ImportProvider, useImports } from './state/imports.js';
import { SafeText } from './components/SafeText.js';
import { baseName, count } from './lib/format.js';
import { CasesScreen } from './screens/CasesScreen.js';
import { ImportScreen } from './screens/ImportScreen.js';
import { HuntScreen } from './screens/HuntScreen.js';
import { TimelineScreen } from './screens/TimelineScreen.js';
import { ListsScreen } from './screens/ListsScreen.js';
import { ExportScreen } from './screens/ExportScreen.js';

const NAV: Array<{ screen: Screen; label: string; needsCase: boolean; hint: string }> = [
  { screen: 'cases', label: 'Cases', needsCase: false, hint: 'Create or open a case file' },
  { screen: 'import', label: 'Import', needsCase: true, hint: 'Add triage data to the case' },
  { screen: 'hunt', label: 'Hunt', needsCase: true, hint: 'Find rare service processes' },
  { screen: 'timeline', label: 'Timeline', needsCase: true, hint: 'Activity of a service process; launches across the fleet' },
  { screen: 'lists', label: 'Allowlist & rules', needsCase: true, hint: 'What the hunt leaves out, and how paths are compared' },
  { screen: 'export', label: 'Export', needsCase: true, hint: 'Save the results as CSV or JSON' },
];

function Nav() {
  const { screen, go, caseInfo, info } = useApp();
  const { run, view, running } = useHunt();
  const imports = useImports();
  return (
    <nav className="nav" aria-label="Screens">
      <div className="brand">
        <span className="brand-name">Longtail</span>
        <span className="brand-sub">rare service executions</span>
      </div>
      <div className="nav-case" title={caseInfo?.path}>
        {caseInfo ? (
          <>
            <span className="label">Case</span>
            <SafeText value={baseName(caseInfo.path)} oneLine className="nav-case-name" />
          </>
        ) : (
          <span className="muted">No case open</span>
        )}
      </div>
      <ul>
        {NAV.map((n) => {
          const disabled = n.needsCase && !caseInfo;
          return (
            <li key={n.screen}>
              <button
                type="button"
                className={`nav-item ${screen === n.screen ? 'active' : ''}`}
                aria-current={screen === n.screen ? 'page' : undefined}
                disabled={disabled}
                title={disabled ? 'Open or create a case first' : n.hint}
                onClick={() => go(n.screen)}
              >
                <span>{n.label}</span>
                {n.screen === 'import' && imports.running ? <span className="nav-badge busy" aria-label="import running">…</span> : null}
                {n.screen === 'hunt' && running ? <span className="nav-badge busy" aria-label="hunt running">…</span> : null}
                {n.screen === 'hunt' && run && !running ? (
                  <span className="nav-badge" aria-label={`${view.length} rows shown`}>{count(view.length)}</span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="nav-foot muted">
        {info ? `v${info.version} · ${info.mode === 'electron' ? 'desktop' : 'browser'}` : ''}
      </div>
    </nav>
  );
}

function Notices() {
  const { notices, dismiss } = useApp();
  if (!notices.length) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <SafeText value={n.text} />
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}

function Screens() {
  const { screen, caseInfo } = useApp();
  const shown = caseInfo ? screen : 'cases';
  return (
    <main className="main" id="main">
      <Notices />
      {shown === 'cases' ? <CasesScreen /> : null}
      {shown === 'import' ? <ImportScreen /> : null}
      {shown === 'hunt' ? <HuntScreen /> : null}
      {shown === 'timeline' ? <TimelineScreen /> : null}
      {shown === 'lists' ? <ListsScreen /> : null}
      {shown === 'export' ? <ExportScreen /> : null}
    </main>
  );
}

function WithImports({ children }: { children: ReactNode }) {
  const { run, markStale } = useHunt();
  const onImported = useCallback(() => {
    if (run) markStale();
  }, [run, markStale]);
  return <ImportProvider onImported={onImported}>{children}</ImportProvider>;
}

export function App() {
  // A file dropped anywhere but on the Import drop zone must not make the browser open
  // it in place of the app (Electron refuses such navigation anyway).
  useEffect(() => {
    const stop = (e: DragEvent) => {
      if (!e.defaultPrevented) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
  return (
    <HuntProvider>
      <WithImports>
        <div className="app">
          <Nav />
          <Screens />
        </div>
      </WithImports>
    </HuntProvider>
  );
}
