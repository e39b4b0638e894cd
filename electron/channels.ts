// The IPC vocabulary shared by the preload (renderer side) and the main process: one
// channel per purpose, and the events the core pushes. No runtime dependencies, so the
// sandboxed preload can import it without pulling in any of the core.
import type { ApiErrorKind, EventName } from '../src-core/api/contract.js';
import type { SaveKind } from '../src-core/api/bridge.js';

export const CHANNELS = {
  /** renderer → main: `(name, args)` of the handler map; replies with a `Reply`. */
  call: 'longtail:call',
  /** main → renderer: `(event, payload)` for the core's progress events. */
  event: 'longtail:event',
  pickFiles: 'longtail:shell:pickFiles',
  openCase: 'longtail:shell:openCase',
  pickFolder: 'longtail:shell:pickFolder',
  saveFile: 'longtail:shell:saveFile',
} as const;


/** The events the renderer may subscribe to: every key of `Events` in the contract. */
export const EVENT_NAMES = ['import.progress', 'import.file', 'import.done'] as const satisfies readonly EventName[];

// Compile-time check that the list above names every event of the contract.
type Unlisted = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const _eventsComplete: [Unlisted] extends [never] ? true : never = true;

/** The kinds of file the save dialog knows: every `SaveKind` of the bridge. */
export const SAVE_KINDS = ['case', 'csv', 'json', 'kql', 'esql'] as const satisfies readonly SaveKind[];

// Compile-time check that the main process's schema accepts every kind the renderer may ask for.
type UnlistedKind = Exclude<SaveKind, (typeof SAVE_KINDS)[number]>;
const _kindsComplete: [UnlistedKind] extends [never] ? true : never = true;

/** What travels back over an invoke channel: plain data, never a thrown Error with a stack. */
export type Reply<T> = { result: T } | { error: ReplyError };

export interface ReplyError {
  kind: ApiErrorKind;
  message: string;
}
