// The preload: runs sandboxed in the renderer, before the page, and exposes the Bridge
// (src-core/api/bridge.ts) as `window.longtail` through contextBridge. It exposes named
// functions only — never ipcRenderer, never a Node or Electron object — and passes
// plain data. Bundled as CommonJS (build/electron-bundles.mjs) with the handler map's
// names inlined at build time: no zod and nothing else of the core comes along.
//
// Errors: `call` and the shell functions reject with an Error carrying the core's
// message (and its `kind`, which the page does not see: an Error crossing contextBridge
// keeps its message only — the renderer shows messages, as in browser mode).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ApiArgs, ApiName, EventName, Events, Results } from '../src-core/api/contract.js';
import { BRIDGE_GLOBAL, type Bridge } from '../src-core/api/bridge.js';
import { API_NAMES } from './api-names.js';
import { CHANNELS, EVENT_NAMES, type ReplyError } from './channels.js';

export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface PreloadWebUtils {
  getPathForFile(file: File): string;
}

export type BridgeError = Error & Pick<ReplyError, 'kind'>;

const MAX_DROPPED = 10_000;

function bridgeError(error: ReplyError): BridgeError {
  return Object.assign(new Error(error.message), { kind: error.kind });
}

function unwrap<T>(reply: unknown): T {
  if (typeof reply === 'object' && reply !== null) {
    if ('error' in reply) throw bridgeError((reply as { error: ReplyError }).error);
    if ('result' in reply) return (reply as { result: T }).result;
  }
  throw bridgeError({ kind: 'failed', message: 'malformed reply from the main process' });
}

/** The object exposed as `window.longtail`. */
export function createBridge(ipc: PreloadIpc, utils: PreloadWebUtils): Bridge {
  const names = new Set<string>(API_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let subscribed = false;

  const dispatch = (_event: unknown, ...args: unknown[]) => {
    const [name, payload] = args;
    if (typeof name !== 'string') return;
    for (const listener of listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch {
        // one failing listener must not keep the others from the event
      }
    }
  };

  const invoke = async <T>(channel: string, ...args: unknown[]): Promise<T> => unwrap<T>(await ipc.invoke(channel, ...args));

  return {
    mode: 'electron',

    async call<K extends ApiName>(name: K, args: ApiArgs<K>): Promise<Results[K]> {
      if (typeof name !== 'string' || !names.has(name)) {
        throw bridgeError({ kind: 'bad-request', message: `unknown operation "${String(name)}"` });
      }
      return invoke<Results[K]>(CHANNELS.call, name, args ?? {});
    },

    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (typeof event !== 'string' || !events.has(event)) throw new Error(`unknown event "${String(event)}"`);
      if (typeof listener !== 'function') throw new Error('the listener must be a function');
      if (!subscribed) {
        ipc.on(CHANNELS.event, dispatch);
        subscribed = true;
      }
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },

    shell: {
      pickFiles: () => invoke<string[]>(CHANNELS.pickFiles),
      openCase: () => invoke<string | null>(CHANNELS.openCase),
      pickFolder: () => invoke<string | null>(CHANNELS.pickFolder),
      saveFile: (defaultName, kind) => invoke<string | null>(CHANNELS.saveFile, defaultName, kind),
      pathsForFiles(files) {
        const paths: string[] = [];
        for (const file of Array.from(files ?? []).slice(0, MAX_DROPPED)) {
          try {
            const p = utils.getPathForFile(file);
            if (p) paths.push(p);
          } catch {
            // not a File from the page (or not on disk): no path
          }
        }
        return paths;
      },
    },
  };
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer, webUtils));
