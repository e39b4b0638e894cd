// The native dialogs behind `shell`: filters, suggested names, extensions, cancelling.
import { describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { INPUT_FILTERS, nativeDialogs, safeDefaultName, SAVE_FILTERS, withExtension } from '../../electron/dialogs.js';
import { REPO } from '../helpers/corpus.js';

/** Where the dialogs start (the user's documents folder in the app): a folder of this checkout here. */
const START = path.join(REPO, 'samples');

describe('names', () => {
  it('adds the kind’s extension when it is missing', () => {
    expect(withExtension('/cases/march', 'case')).toBe('/cases/march.longtail');
    expect(withExtension('/cases/march.longtail', 'case')).toBe('/cases/march.longtail');
    expect(withExtension('/cases/march.LONGTAIL', 'case')).toBe('/cases/march.LONGTAIL');
    expect(withExtension('/out/report', 'csv')).toBe('/out/report.csv');
    expect(withExtension('/out/report.csv', 'json')).toBe('/out/report.csv.json');
    expect(withExtension('/out/hunt', 'kql')).toBe('/out/hunt.kql');
    expect(withExtension('/out/hunt.KQL', 'kql')).toBe('/out/hunt.KQL');
    expect(withExtension('/out/hunt', 'esql')).toBe('/out/hunt.esql');
    expect(withExtension('/out/hunt.kql', 'esql')).toBe('/out/hunt.kql.esql');
  });

  it('keeps a suggested name a file name', () => {
    expect(safeDefaultName('report.csv', 'csv')).toBe('report.csv');
    expect(safeDefaultName('../../etc/passwd', 'csv')).toBe('passwd');
    expect(safeDefaultName('C:\\Windows\\evil.json', 'json')).toBe('evil.json');
    expect(safeDefaultName('..', 'case')).toBe('untitled.longtail');
    expect(safeDefaultName('', 'json')).toBe('untitled.json');
    expect(safeDefaultName('a<b>:c|d?.csv', 'csv')).toBe('abcd.csv');
    expect(safeDefaultName('../longtail-hunt.esql', 'esql')).toBe('longtail-hunt.esql');
    expect(safeDefaultName('', 'kql')).toBe('untitled.kql');
  });

  it('offers the triage formats and every file when opening', () => {
    expect(INPUT_FILTERS.flatMap((f) => f.extensions)).toEqual(expect.arrayContaining(['evtx', 'csv', 'json', 'ndjson', 'zip', 'gz', 'tgz', 'tar', '*']));
    expect(SAVE_FILTERS.case[0]!.extensions).toEqual(['longtail']);
  });
});

describe('nativeDialogs', () => {
  const win = { id: 7 } as unknown as BaseWindow;

  function fake(open: Partial<Electron.OpenDialogReturnValue>, save: Partial<Electron.SaveDialogReturnValue> = {}) {
    const showOpenDialog = vi.fn(async (..._args: [BaseWindow, OpenDialogOptions] | [OpenDialogOptions]) => ({ canceled: false, filePaths: [], ...open }));
    const showSaveDialog = vi.fn(async (..._args: [BaseWindow, SaveDialogOptions] | [SaveDialogOptions]) => ({ canceled: false, ...save }));
    return { dialog: { showOpenDialog, showSaveDialog } as unknown as Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>, showOpenDialog, showSaveDialog };
  }

  it('picks files, modal to the window, with filters; remembers the folder', async () => {
    const f = fake({ filePaths: ['/evidence/h1/Security.evtx', '/evidence/h1/Sysmon.evtx'] }, { filePath: '/evidence/h1/out' });
    const d = nativeDialogs(f.dialog, START);
    expect(await d.pickFiles(win)).toEqual(['/evidence/h1/Security.evtx', '/evidence/h1/Sysmon.evtx']);
    const [w, options] = f.showOpenDialog.mock.calls[0]! as [BaseWindow, OpenDialogOptions];
    expect(w).toBe(win);
    expect(options.properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections']));
    expect(options.filters).toBe(INPUT_FILTERS);
    expect(options.defaultPath).toBe(START);
    expect(await d.saveFile(win, 'report.csv', 'csv')).toBe('/evidence/h1/out.csv');
    const [, saveOptions] = f.showSaveDialog.mock.calls[0]! as [BaseWindow, SaveDialogOptions];
    expect(saveOptions.defaultPath).toBe(path.join('/evidence/h1', 'report.csv'));
    expect(saveOptions.filters).toBe(SAVE_FILTERS.csv);
  });

  it('saves a query with its dialect’s filter and extension', async () => {
    const f = fake({}, { filePath: '/siem/hunt' });
    const d = nativeDialogs(f.dialog, START);
    expect(await d.saveFile(win, 'longtail-hunt-sentinel.kql', 'kql')).toBe('/siem/hunt.kql');
    expect(await d.saveFile(win, 'longtail-hunt.esql', 'esql')).toBe('/siem/hunt.esql');
    const [kql, esql] = f.showSaveDialog.mock.calls.map((c) => (c as [BaseWindow, SaveDialogOptions])[1]);
    expect(kql?.filters).toEqual([{ name: 'KQL query', extensions: ['kql'] }]);
    expect(kql?.defaultPath).toBe(path.join(START, 'longtail-hunt-sentinel.kql'));
    expect(esql?.filters).toEqual([{ name: 'ES|QL query', extensions: ['esql'] }]);
    expect(esql?.defaultPath).toBe(path.join('/siem', 'longtail-hunt.esql'));
    expect(esql?.title).toBe('Save the query');
  });

  it('opens one case file with the case filter first', async () => {
    const f = fake({ filePaths: ['/cases/incident.longtail'] });
    const d = nativeDialogs(f.dialog, START);
    expect(await d.openCase(win)).toBe('/cases/incident.longtail');
    const [, options] = f.showOpenDialog.mock.calls[0]! as [BaseWindow, OpenDialogOptions];
    expect(options.properties).not.toContain('multiSelections');
    expect(options.filters?.[0]).toEqual(SAVE_FILTERS.case[0]);
    expect(await nativeDialogs(fake({ canceled: true, filePaths: [] }).dialog, '/').openCase(win)).toBeNull();
  });

  it('answers a cancelled dialog with nothing', async () => {
    const f = fake({ canceled: true, filePaths: ['/x'] }, { canceled: true, filePath: '/x' });
    const d = nativeDialogs(f.dialog, START);
    expect(await d.pickFiles(win)).toEqual([]);
    expect(await d.pickFolder(win)).toBeNull();
    expect(await d.saveFile(win, 'case.longtail', 'case')).toBeNull();
  });

  it('picks a folder, and works without a window', async () => {
    const f = fake({ filePaths: ['/evidence'] });
    const d = nativeDialogs(f.dialog, START);
    expect(await d.pickFolder(null)).toBe('/evidence');
    const [options] = f.showOpenDialog.mock.calls[0]! as [OpenDialogOptions];
    expect(options.properties).toContain('openDirectory');
  });
});
