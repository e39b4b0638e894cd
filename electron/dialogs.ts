// The native dialogs behind `shell` in the bridge: open files, open a folder, save a case
// or an export (a report or a query). They return paths only; the renderer then passes those to the handler
// map, which validates them like any other argument.
import path from 'node:path';
import type { BaseWindow, Dialog, FileFilter, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { SaveKind } from '../src-core/api/bridge.js';

export type { SaveKind };

export interface Dialogs {
  pickFiles(window: BaseWindow | null): Promise<string[]>;
  openCase(window: BaseWindow | null): Promise<string | null>;
  pickFolder(window: BaseWindow | null): Promise<string | null>;
  saveFile(window: BaseWindow | null, defaultName: string, kind: SaveKind): Promise<string | null>;
}

/** The format is detected from content, so "All files" is offered too. */
export const INPUT_FILTERS: FileFilter[] = [
  { name: 'Triage data (EVTX, CSV, JSON, archives)', extensions: ['evtx', 'csv', 'json', 'ndjson', 'jsonl', 'txt', 'log', 'zip', 'gz', 'tgz', 'tar'] },
  { name: 'All files', extensions: ['*'] },
];

export const SAVE_FILTERS: Record<SaveKind, FileFilter[]> = {
  case: [{ name: 'Longtail case', extensions: ['longtail'] }],
  csv: [{ name: 'CSV', extensions: ['csv'] }],
  json: [{ name: 'JSON', extensions: ['json'] }],
  kql: [{ name: 'KQL query', extensions: ['kql'] }],
  esql: [{ name: 'ES|QL query', extensions: ['esql'] }],
};

const EXTENSION: Record<SaveKind, string> = { case: '.longtail', csv: '.csv', json: '.json', kql: '.kql', esql: '.esql' };
const TITLE: Record<SaveKind, string> = { case: 'New case', csv: 'Export', json: 'Export', kql: 'Save the query', esql: 'Save the query' };

/** Adds the kind's extension when the user typed a name without it (GTK does not). */
export function withExtension(file: string, kind: SaveKind): string {
  return path.extname(file).toLowerCase() === EXTENSION[kind] ? file : `${file}${EXTENSION[kind]}`;
}

/** A suggested name is a file name, never a path: anything before a separator is dropped. */
export function safeDefaultName(name: string, kind: SaveKind): string {
  const base = name.split(/[\\/]/).pop()?.replace(/[\0<>:"|?*]/g, '').trim() ?? '';
  return base === '' || base === '.' || base === '..' ? `untitled${EXTENSION[kind]}` : base;
}

/** The dialogs on Electron's `dialog`, remembering the last folder used in this run. */
export function nativeDialogs(dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>, defaultDir: string): Dialogs {
  let lastDir = defaultDir;
  const open = async (window: BaseWindow | null, options: OpenDialogOptions) =>
    window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
  const save = async (window: BaseWindow | null, options: SaveDialogOptions) =>
    window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options);
  return {
    async pickFiles(window) {
      const r = await open(window, {
        title: 'Add files to the case',
        defaultPath: lastDir,
        properties: ['openFile', 'multiSelections', 'dontAddToRecent'],
        filters: INPUT_FILTERS,
      });
      if (r.canceled || r.filePaths.length === 0) return [];
      lastDir = path.dirname(r.filePaths[0]!);
      return r.filePaths;
    },
    async openCase(window) {
      const r = await open(window, {
        title: 'Open a Longtail case',
        defaultPath: lastDir,
        properties: ['openFile', 'dontAddToRecent'],
        filters: [...SAVE_FILTERS.case, { name: 'All files', extensions: ['*'] }],
      });
      const file = r.canceled ? undefined : r.filePaths[0];
      if (!file) return null;
      lastDir = path.dirname(file);
      return file;
    },
    async pickFolder(window) {
      const r = await open(window, {
        title: 'Add a folder to the case',
        defaultPath: lastDir,
        properties: ['openDirectory', 'dontAddToRecent'],
      });
      const dir = r.canceled ? undefined : r.filePaths[0];
      if (!dir) return null;
      lastDir = path.dirname(dir);
      return dir;
    },
    async saveFile(window, defaultName, kind) {
      const r = await save(window, {
        title: TITLE[kind],
        defaultPath: path.join(lastDir, safeDefaultName(defaultName, kind)),
        filters: SAVE_FILTERS[kind],
        properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
      });
      if (r.canceled || !r.filePath) return null;
      lastDir = path.dirname(r.filePath);
      return withExtension(r.filePath, kind);
    },
  };
}
