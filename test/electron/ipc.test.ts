// The main process's IPC: only the app's own frame, arguments validated, errors as data.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BaseWindow, IpcMainInvokeEvent } from 'electron';
import { CoreHost } from '../../src-core/api/host.js';
import type { Events } from '../../src-core/api/contract.js';
import { CHANNELS } from '../../electron/channels.js';
import type { Dialogs } from '../../electron/dialogs.js';
import { forwardEvents, isTrustedFrame, registerIpc, type IpcMainLike } from '../../electron/ipc.js';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

const handlers = new Map<string, Handler>();
const ipcMain: IpcMainLike = {
  handle: (channel, listener) => {
    if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    handlers.set(channel, listener);
  },
  removeHandler: (channel) => {
    handlers.delete(channel);
  },
};
const win = { id: 1 } as unknown as BaseWindow;
const dialogs = {
  pickFiles: vi.fn<Dialogs['pickFiles']>(async () => ['/evidence/host1/Security.evtx']),
  openCase: vi.fn<Dialogs['openCase']>(async () => '/cases/incident.longtail'),
  pickFolder: vi.fn<Dialogs['pickFolder']>(async () => '/evidence'),
  saveFile: vi.fn<Dialogs['saveFile']>(async (_w, name) => `/cases/${name}`),
};

let host: CoreHost;
let unregister: () => void;

const frame = (url: string, parent: unknown = null) => ({ url, parent });
const appEvent = { senderFrame: frame('app://longtail/index.html'), sender: {} } as unknown as IpcMainInvokeEvent;
const invoke = (channel: string, event: IpcMainInvokeEvent, ...args: unknown[]) => {
  const h = handlers.get(channel);
  if (!h) throw new Error(`no handler for ${channel}`);
  return h(event, ...args) as Promise<unknown>;
};

beforeAll(() => {
  host = new CoreHost({ mode: 'electron', recentFile: null });
  unregister = registerIpc({ ipcMain, host, dialogs, windowOf: () => win });
});
afterAll(async () => {
  unregister();
  await host.close();
});

describe('sender check', () => {
  it('trusts only the app’s own top-level frame', () => {
    expect(isTrustedFrame(frame('app://longtail/index.html'))).toBe(true);
    expect(isTrustedFrame(frame('app://longtail/'))).toBe(true);
    expect(isTrustedFrame(null)).toBe(false);
    expect(isTrustedFrame(undefined)).toBe(false);
    expect(isTrustedFrame(frame('app://longtail/index.html', {}))).toBe(false); // a subframe
    expect(isTrustedFrame(frame('https://example.com/'))).toBe(false);
    expect(isTrustedFrame(frame('file:///evidence/x.html'))).toBe(false);
    expect(isTrustedFrame(frame('data:text/html,x'))).toBe(false);
    expect(isTrustedFrame(frame('devtools://devtools/bundled/inspector.html'))).toBe(false);
    expect(isTrustedFrame(frame('app://evil/index.html'))).toBe(false);
  });

  it.each([
    ['no frame (navigated away or destroyed)', null],
    ['a web page', frame('https://example.com/')],
    ['a file page', frame('file:///home/u/evil.html')],
    ['a subframe of the app', frame('app://longtail/index.html', { url: 'app://longtail/' })],
  ])('refuses calls from %s, on every channel, before doing anything', async (_what, senderFrame) => {
    const event = { senderFrame, sender: {} } as unknown as IpcMainInvokeEvent;
    for (const [channel, args] of [
      [CHANNELS.call, ['app.info', {}]],
      [CHANNELS.pickFiles, []],
      [CHANNELS.pickFolder, []],
      [CHANNELS.saveFile, ['x.longtail', 'case']],
    ] as const) {
      const reply = await invoke(channel, event, ...args);
      expect(reply).toEqual({ error: { kind: 'bad-request', message: expect.stringMatching(/^refused/) } });
    }
    expect(dialogs.pickFiles).not.toHaveBeenCalled();
    expect(dialogs.saveFile).not.toHaveBeenCalled();
  });
});

describe('longtail:call', () => {
  it('runs a valid call through CoreHost and answers { result }', async () => {
    const reply = (await invoke(CHANNELS.call, appEvent, 'app.info', {})) as { result: { mode: string } };
    expect(reply.result.mode).toBe('electron');
  });

  it.each([
    ['an unknown name', ['no.such', {}], /unknown operation "no\.such"/],
    ['a name that is not a string', [42, {}], /call: 0: Expected string/],
    ['no name at all', [], /^call: /],
    ['extra arguments', ['app.info', {}, 'extra'], /call/],
    ['a wrong type', ['case.open', { path: 42 }], /case\.open: path: Expected string/],
    ['an empty path', ['case.open', { path: '' }], /case\.open: path/],
    ['an unexpected key', ['case.open', { path: '/x', evil: true }], /case\.open: .*Unrecognized key/],
    ['a missing key', ['import.start', {}], /import\.start: paths: Required/],
    ['a bad enum', ['hunt.export', { params: {}, instanceIds: null, format: 'exe', path: '/x' }], /hunt\.export/],
    ['a negative id', ['import.cancel', { jobId: -1 }], /import\.cancel: jobId/],
  ])('rejects %s as a bad request, as data', async (_what, args, message) => {
    const reply = await invoke(CHANNELS.call, appEvent, ...args);
    expect(reply).toEqual({ error: { kind: 'bad-request', message: expect.stringMatching(message) } });
    // Plain data: no Error object, no stack.
    expect(JSON.parse(JSON.stringify(reply))).toEqual(reply);
  });

  it('answers the core’s own errors with their kind', async () => {
    expect(await invoke(CHANNELS.call, appEvent, 'case.info', {})).toEqual({ result: null });
    expect(await invoke(CHANNELS.call, appEvent, 'import.start', { paths: ['/nonexistent'] })).toEqual({
      error: { kind: 'no-case', message: expect.stringContaining('no case is open') },
    });
    expect(await invoke(CHANNELS.call, appEvent, 'case.open', { path: '/nonexistent/dir/x.longtail' })).toMatchObject({
      error: { kind: expect.any(String), message: expect.any(String) },
    });
  });
});

describe('shell channels', () => {
  it('open the dialogs for the sending window and answer { result }', async () => {
    expect(await invoke(CHANNELS.pickFiles, appEvent)).toEqual({ result: ['/evidence/host1/Security.evtx'] });
    expect(dialogs.pickFiles).toHaveBeenCalledWith(win);
    expect(await invoke(CHANNELS.pickFolder, appEvent)).toEqual({ result: '/evidence' });
    expect(await invoke(CHANNELS.saveFile, appEvent, 'case.longtail', 'case')).toEqual({ result: '/cases/case.longtail' });
    expect(dialogs.saveFile).toHaveBeenCalledWith(win, 'case.longtail', 'case');
  });

  it.each([['kql', 'longtail-hunt-defender.kql'], ['esql', 'longtail-hunt.esql']])('saveFile accepts the %s query kind', async (kind, name) => {
    expect(await invoke(CHANNELS.saveFile, appEvent, name, kind)).toEqual({ result: `/cases/${name}` });
    expect(dialogs.saveFile).toHaveBeenLastCalledWith(win, name, kind);
  });

  it.each([
    ['saveFile: a kind that is not case/csv/json/kql/esql', CHANNELS.saveFile, ['x', 'exe']],
    ['saveFile: a query kind that is not a dialect', CHANNELS.saveFile, ['x.kql', 'query']],
    ['saveFile: a kind in another case', CHANNELS.saveFile, ['x.kql', 'KQL']],
    ['saveFile: a name that is not a string', CHANNELS.saveFile, [42, 'csv']],
    ['saveFile: a missing kind', CHANNELS.saveFile, ['x']],
    ['saveFile: an extra argument', CHANNELS.saveFile, ['x', 'csv', 'extra']],
    ['saveFile: an over-long name', CHANNELS.saveFile, ['x'.repeat(5000), 'csv']],
    ['pickFiles: any argument', CHANNELS.pickFiles, ['/etc']],
    ['pickFolder: dialog options', CHANNELS.pickFolder, [{ defaultPath: '/' }]],
  ])('rejects %s as a bad request', async (_what, channel, args) => {
    dialogs.saveFile.mockClear();
    dialogs.pickFiles.mockClear();
    const reply = await invoke(channel, appEvent, ...args);
    expect(reply).toEqual({ error: { kind: 'bad-request', message: expect.stringMatching(/^shell\./) } });
    expect(dialogs.saveFile).not.toHaveBeenCalled();
    expect(dialogs.pickFiles).not.toHaveBeenCalled();
  });

  it('answers a failing dialog as data', async () => {
    dialogs.pickFolder.mockRejectedValueOnce(new Error('no display'));
    expect(await invoke(CHANNELS.pickFolder, appEvent)).toEqual({ error: { kind: 'failed', message: 'no display' } });
  });
});

describe('events', () => {
  it('forwards the three core events on the one event channel, until stopped', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const fakeHost = {
      on: (event: keyof Events, l: (payload: never) => void) => {
        listeners.set(event, l as (payload: unknown) => void);
        return () => listeners.delete(event);
      },
    };
    const send = vi.fn();
    const stop = forwardEvents(fakeHost, send);
    expect([...listeners.keys()].sort()).toEqual(['import.done', 'import.file', 'import.progress']);
    listeners.get('import.done')!({ jobId: 3 });
    expect(send).toHaveBeenCalledWith(CHANNELS.event, 'import.done', { jobId: 3 });
    stop();
    expect(listeners.size).toBe(0);
  });
});

describe('registration', () => {
  it('has one channel per purpose', () => {
    expect([...handlers.keys()].sort()).toEqual([CHANNELS.call, CHANNELS.openCase, CHANNELS.pickFiles, CHANNELS.pickFolder, CHANNELS.saveFile].sort());
  });
});
