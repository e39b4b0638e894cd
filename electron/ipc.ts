// The main process's IPC: one invoke channel for the handler map, one per shell service,
// one send channel for events. Every invoke checks that it comes from the app's own
// top-level frame, validates its arguments, and answers with plain data —
// `{ result }` or `{ error: { kind, message } }` — never a thrown Error with a stack.
import { z } from 'zod';
import type { BaseWindow, IpcMainInvokeEvent } from 'electron';
import { ApiError, type Api, type ApiName, type EventName } from '../src-core/api/contract.js';
import { CHANNELS, EVENT_NAMES, SAVE_KINDS, type Reply, type ReplyError } from './channels.js';
import type { Dialogs } from './dialogs.js';
import { isAppUrl } from './security.js';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The sending frame must be alive, top-level, and showing one of our own pages. */
export function isTrustedFrame(frame: { url: string; parent: unknown } | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Argument schemas of the shell channels (the handler map's are in the contract). */
export const SHELL_ARGS = {
  [CHANNELS.pickFiles]: z.tuple([]),
  [CHANNELS.openCase]: z.tuple([]),
  [CHANNELS.pickFolder]: z.tuple([]),
  [CHANNELS.saveFile]: z.tuple([z.string().max(1024), z.enum(SAVE_KINDS)]),
} as const;

const callArgs = z.tuple([z.string().max(100), z.unknown()]);

function failure(err: unknown): { error: ReplyError } {
  if (err instanceof ApiError) return { error: { kind: err.kind, message: err.message } };
  return { error: { kind: 'failed', message: err instanceof Error ? err.message : String(err) } };
}

function badRequest(what: string, error: z.ZodError): { error: ReplyError } {
  const issue = error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
  return { error: { kind: 'bad-request', message: `${what}: ${where}${issue?.message ?? 'invalid arguments'}` } };
}

const REFUSED: { error: ReplyError } = {
  error: { kind: 'bad-request', message: 'refused: the request does not come from the Longtail window' },
};

export interface IpcDeps {
  ipcMain: IpcMainLike;
  host: Pick<Api, 'call'>;
  dialogs: Dialogs;
  /** The window a request came from, to make its dialogs modal. */
  windowOf: (event: IpcMainInvokeEvent) => BaseWindow | null;
}

/** Registers every invoke channel; returns a function that removes them. */
export function registerIpc(deps: IpcDeps): () => void {
  const { ipcMain, host, dialogs, windowOf } = deps;

  ipcMain.handle(CHANNELS.call, async (event, ...raw): Promise<Reply<unknown>> => {
    if (!isTrustedFrame(event.senderFrame)) return REFUSED;
    const parsed = callArgs.safeParse(raw);
    if (!parsed.success) return badRequest('call', parsed.error);
    const [name, args] = parsed.data;
    try {
      // CoreHost.call validates `name` and `args` against the handler map's schemas.
      return { result: await host.call(name as ApiName, args as never) };
    } catch (err) {
      return failure(err);
    }
  });

  const shell = <C extends keyof typeof SHELL_ARGS>(
    channel: C,
    run: (window: BaseWindow | null, args: z.infer<(typeof SHELL_ARGS)[C]>) => Promise<unknown>,
  ) => {
    ipcMain.handle(channel, async (event, ...raw): Promise<Reply<unknown>> => {
      if (!isTrustedFrame(event.senderFrame)) return REFUSED;
      const parsed = SHELL_ARGS[channel].safeParse(raw);
      if (!parsed.success) return badRequest(channel.replace('longtail:shell:', 'shell.'), parsed.error);
      try {
        return { result: await run(windowOf(event), parsed.data as z.infer<(typeof SHELL_ARGS)[C]>) };
      } catch (err) {
        return failure(err);
      }
    });
  };
  shell(CHANNELS.pickFiles, (window) => dialogs.pickFiles(window));
  shell(CHANNELS.openCase, (window) => dialogs.openCase(window));
  shell(CHANNELS.pickFolder, (window) => dialogs.pickFolder(window));
  shell(CHANNELS.saveFile, (window, [name, kind]) => dialogs.saveFile(window, name, kind));

  return () => {
    for (const channel of [CHANNELS.call, CHANNELS.pickFiles, CHANNELS.openCase, CHANNELS.pickFolder, CHANNELS.saveFile]) ipcMain.removeHandler(channel);
  };
}

/** Forwards the core's events to the renderer; returns a function that stops it. */
export function forwardEvents(
  host: Pick<Api, 'on'>,
  send: (channel: string, event: EventName, payload: unknown) => void,
): () => void {
  const offs = EVENT_NAMES.map((name) => host.on(name, (payload) => send(CHANNELS.event, name, payload)));
  return () => {
    for (const off of offs) off();
  };
}
