// The preload's surface: exactly call, on, mode and shell; only the handler map's names
// and the contract's events; plain data over IPC.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ARGS } from '../../src-core/api/contract.js';
import type { Bridge } from '../../src-core/api/bridge.js';
import { API_NAMES } from '../../electron/api-names.js';
import { CHANNELS, EVENT_NAMES } from '../../electron/channels.js';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, Array<(event: unknown, ...args: unknown[]) => void>>();
  return {
    exposed,
    listeners,
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    getPathForFile: vi.fn<(file: unknown) => string>(),
  };
});

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      electron.exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      const list = electron.listeners.get(channel) ?? [];
      list.push(listener);
      electron.listeners.set(channel, list);
    },
  },
  webUtils: { getPathForFile: electron.getPathForFile },
}));

// Imported for its side effect: contextBridge.exposeInMainWorld('longtail', …).
await import('../../electron/preload.js');
const bridge = electron.exposed['longtail'] as Bridge;
const emit = (...args: unknown[]) => {
  for (const l of electron.listeners.get(CHANNELS.event) ?? []) l({ sender: 'ipc event object' }, ...args);
};

beforeEach(() => {
  electron.invoke.mockReset();
  electron.getPathForFile.mockReset();
});

describe('preload surface', () => {
  it('exposes window.longtail only, with exactly call, on, mode and shell', () => {
    expect(Object.keys(electron.exposed)).toEqual(['longtail']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'mode', 'on', 'shell']);
    expect(bridge.mode).toBe('electron');
    expect(Object.keys(bridge.shell ?? {}).sort()).toEqual(['openCase', 'pathsForFiles', 'pickFiles', 'pickFolder', 'saveFile']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.on).toBe('function');
    // Nothing of Electron or Node leaks through.
    const text = JSON.stringify(bridge, (_k, v: unknown) => (typeof v === 'function' ? `fn:${(v as { name: string }).name}` : v));
    expect(text).not.toMatch(/ipcRenderer|invoke|require|process/);
  });

  it('knows exactly the handler map’s names', () => {
    expect([...API_NAMES]).toEqual(Object.keys(ARGS));
  });

  it('knows exactly the contract’s events', () => {
    expect([...EVENT_NAMES].sort()).toEqual(['import.done', 'import.file', 'import.progress']);
  });
});

describe('call', () => {
  it('forwards a known name with its arguments on the one call channel and unwraps the result', async () => {
    electron.invoke.mockResolvedValue({ result: { version: '1', mode: 'electron', platform: 'linux' } });
    await expect(bridge.call('app.info', {})).resolves.toEqual({ version: '1', mode: 'electron', platform: 'linux' });
    expect(electron.invoke).toHaveBeenCalledWith(CHANNELS.call, 'app.info', {});
    electron.invoke.mockResolvedValue({ result: null });
    await bridge.call('case.close', undefined as never);
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.call, 'case.close', {});
  });

  it.each(['nope', 'constructor', '__proto__', 'toString', 'case.open ', 'CASE.OPEN', 'longtail:call', ''])(
    'refuses the unknown name %j without any IPC',
    async (name) => {
      await expect(bridge.call(name as never, {} as never)).rejects.toMatchObject({ message: `unknown operation "${name}"`, kind: 'bad-request' });
      expect(electron.invoke).not.toHaveBeenCalled();
    },
  );

  it('refuses a name that is not a string', async () => {
    await expect(bridge.call({ toString: () => 'app.info' } as never, {} as never)).rejects.toMatchObject({ kind: 'bad-request' });
    expect(electron.invoke).not.toHaveBeenCalled();
  });

  it('turns an error reply into a rejection with its message (and kind)', async () => {
    electron.invoke.mockResolvedValue({ error: { kind: 'no-case', message: 'no case is open: create or open one first' } });
    const err = await bridge.call('case.info', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ message: 'no case is open: create or open one first', kind: 'no-case' });
    expect((err as Error).message).not.toMatch(/Error invoking remote method/);
  });

  it('refuses a malformed reply', async () => {
    electron.invoke.mockResolvedValue(undefined);
    await expect(bridge.call('case.info', {})).rejects.toMatchObject({ kind: 'failed' });
  });
});

describe('on', () => {
  it('delivers the payload only (not the IPC event) to listeners of that event, until unsubscribed', () => {
    const progress = vi.fn();
    const done = vi.fn();
    const off = bridge.on('import.progress', progress);
    bridge.on('import.done', done);
    emit('import.progress', { jobId: 1, phase: 'parse' });
    expect(progress).toHaveBeenCalledWith({ jobId: 1, phase: 'parse' });
    expect(progress.mock.calls[0]).toHaveLength(1);
    expect(done).not.toHaveBeenCalled();
    off();
    emit('import.progress', { jobId: 1 });
    expect(progress).toHaveBeenCalledTimes(1);
    emit('import.done', { jobId: 1, files: 1, failed: 0, cancelled: false, error: null });
    expect(done).toHaveBeenCalledTimes(1);
    // One IPC subscription, however many listeners.
    expect(electron.listeners.get(CHANNELS.event)).toHaveLength(1);
  });

  it('keeps delivering when one listener throws', () => {
    const good = vi.fn();
    bridge.on('import.file', () => {
      throw new Error('boom');
    });
    bridge.on('import.file', good);
    expect(() => emit('import.file', { jobId: 2 })).not.toThrow();
    expect(good).toHaveBeenCalledWith({ jobId: 2 });
  });

  it.each(['import.started', 'longtail:event', '', 'constructor'])('refuses the unknown event %j', (event) => {
    expect(() => bridge.on(event as never, () => undefined)).toThrow(/unknown event/);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => bridge.on('import.done', 'alert(1)' as never)).toThrow(/function/);
  });
});

describe('shell', () => {
  it('asks the main process for dialogs on one channel each', async () => {
    electron.invoke.mockResolvedValueOnce({ result: ['/data/a.evtx'] });
    await expect(bridge.shell!.pickFiles()).resolves.toEqual(['/data/a.evtx']);
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.pickFiles);
    electron.invoke.mockResolvedValueOnce({ result: '/data' });
    await expect(bridge.shell!.pickFolder()).resolves.toBe('/data');
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.pickFolder);
    electron.invoke.mockResolvedValueOnce({ result: null });
    await expect(bridge.shell!.saveFile('case.longtail', 'case')).resolves.toBeNull();
    expect(electron.invoke).toHaveBeenLastCalledWith(CHANNELS.saveFile, 'case.longtail', 'case');
    electron.invoke.mockResolvedValueOnce({ error: { kind: 'bad-request', message: 'shell.saveFile: 1: Invalid enum value' } });
    await expect(bridge.shell!.saveFile('x', 'exe' as never)).rejects.toMatchObject({ kind: 'bad-request' });
  });

  it('gives the paths of dropped files through webUtils, leaving out files without one', () => {
    const files = [{ name: 'a.evtx' }, { name: 'b.csv' }, { name: 'pasted' }, { name: 'weird' }] as unknown as File[];
    electron.getPathForFile.mockImplementation((f) => {
      const name = (f as { name: string }).name;
      if (name === 'weird') throw new TypeError('not a File');
      return name === 'pasted' ? '' : `/data/${name}`;
    });
    expect(bridge.shell!.pathsForFiles(files)).toEqual(['/data/a.evtx', '/data/b.csv']);
    expect(bridge.shell!.pathsForFiles([])).toEqual([]);
  });
});
