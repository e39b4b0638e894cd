// App-wide state: the bridge, the screen shown, the open case and messages.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Bridge } from '../../../src-core/api/bridge.js';
import type { AppInfo, CaseInfo } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';

export type Screen = 'cases' | 'import' | 'hunt' | 'timeline' | 'lists' | 'export';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface AppState {
  bridge: Bridge;
  info: AppInfo | null;
  screen: Screen;
  go(screen: Screen): void;
  caseInfo: CaseInfo | null;
  /** Bumped whenever another case is opened or closed (screens reset their state). */
  caseEpoch: number;
  setCase(info: CaseInfo | null): void;
  refreshCase(): Promise<void>;
  notices: Notice[];
  fail(err: unknown, context?: string): void;
  tell(text: string): void;
  dismiss(id: number): void;
}

const Ctx = createContext<AppState | null>(null);

let nextNotice = 1;

export function AppProvider({ bridge, children }: { bridge: Bridge; children: ReactNode }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [screen, setScreen] = useState<Screen>('cases');
  const [caseInfo, setCaseInfo] = useState<CaseInfo | null>(null);
  const [caseEpoch, setCaseEpoch] = useState(0);
  const [notices, setNotices] = useState<Notice[]>([]);

  const push = useCallback((kind: Notice['kind'], text: string) => {
    const n = { id: nextNotice++, kind, text };
    setNotices((cur) => [...cur.filter((c) => c.text !== text).slice(-3), n]);
    if (kind === 'info') setTimeout(() => setNotices((cur) => cur.filter((c) => c.id !== n.id)), 4000);
  }, []);
  const fail = useCallback((err: unknown, context?: string) => push('error', context ? `${context}: ${errorText(err)}` : errorText(err)), [push]);
  const tell = useCallback((text: string) => push('info', text), [push]);
  const dismiss = useCallback((id: number) => setNotices((cur) => cur.filter((c) => c.id !== id)), []);

  const casePath = useRef<string | null>(null);
  const setCase = useCallback((next: CaseInfo | null) => {
    const p = next?.path ?? null;
    if (p !== casePath.current) {
      casePath.current = p;
      setCaseEpoch((e) => e + 1);
    }
    setCaseInfo(next);
  }, []);

  const refreshCase = useCallback(async () => {
    try {
      setCase(await bridge.call('case.info', {}));
    } catch (err) {
      fail(err, 'Reading the case');
    }
  }, [bridge, fail, setCase]);

  useEffect(() => {
    bridge.call('app.info', {}).then(setInfo, (err: unknown) => fail(err, 'Connecting to the core'));
    void refreshCase();
  }, [bridge, fail, refreshCase]);

  const value = useMemo<AppState>(
    () => ({ bridge, info, screen, go: setScreen, caseInfo, caseEpoch, setCase, refreshCase, notices, fail, tell, dismiss }),
    [bridge, info, screen, caseInfo, caseEpoch, setCase, refreshCase, notices, fail, tell, dismiss],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useApp(): AppState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}
