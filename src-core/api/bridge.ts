// What the renderer sees of its host, in either mode: the API (contract.ts) plus the
// shell's native services. Types only: the Electron preload implements it with IPC and
// the browser mode with HTTP (see renderer/src/bridge/).
import type { Api, ApiName } from './contract.js';

/** What a native "save as" dialog saves: its file type filter and default extension. */
export type SaveKind = 'case' | 'csv' | 'json' | 'kql' | 'esql';

/** Native services only a desktop shell has; null in the browser (the UI then uses fs.list). */
export interface Shell {
  /** Native "open files" dialog: absolute paths, or [] when cancelled. */
  pickFiles(): Promise<string[]>;
  /** Native "open case" dialog (Longtail case files). */
  openCase(): Promise<string | null>;
  /** Native "open folder" dialog. */
  pickFolder(): Promise<string | null>;
  /** Native "save as" dialog for a case, a report or a query. */
  saveFile(defaultName: string, kind: SaveKind): Promise<string | null>;
  /** Paths of files dropped on the window (Electron's webUtils.getPathForFile). */
  pathsForFiles(files: readonly File[]): string[];
}

export interface Bridge extends Api {
  mode: 'electron' | 'browser';
  shell: Shell | null;
}

/** The name the Electron preload exposes the bridge under (`window.longtail`). */
export const BRIDGE_GLOBAL = 'longtail';

/** Every API name, for the preload's allowlist of channels. */
export type BridgeNames = readonly ApiName[];
