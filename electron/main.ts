// Electron main process: one window on the built renderer, served from app://longtail/,
// talking to the core through CoreHost (queries in a session worker, imports in import
// workers: nothing heavy on this thread). Built as an ES module into dist/electron/,
// next to the worker bundles CoreHost starts (build/electron-bundles.mjs).
//
// Security (see security.ts and guards.ts): sandboxed, context-isolated renderer
// without Node; a strict CSP on every response; no navigation away from the app, no new
// windows, no <webview>; every permission refused; every request that is not for the
// app's own files cancelled; IPC only from the app's own frame, validated.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreHost } from '../src-core/api/host.js';
import { nativeDialogs } from './dialogs.js';
import { hardenContents, hardenSession } from './guards.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { menuTemplate } from './menu.js';
import { resolveSqliteBinding, SQLITE_BINDING_ENV } from './native.js';
import { appProtocolHandler } from './protocol.js';
import { APP_ENTRY, APP_ID, APP_SCHEME, APP_SCHEME_REGISTRATION, windowOptions, type PolicyOptions } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/electron
const distDir = path.dirname(here); // dist: electron/, renderer/, native/
const rendererDir = path.join(distDir, 'renderer');
const preload = path.join(here, 'preload.cjs');
const policy: PolicyOptions = { devtools: !app.isPackaged };

let host: CoreHost | null = null;
let mainWindow: BrowserWindow | null = null;
let closing = false;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preload, policy));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY);
  mainWindow = win;
  return win;
}

function fail(message: string): void {
  dialog.showErrorBox('Longtail cannot start', message);
  app.exit(1);
}

function ready(): void {
  // The SQLite module for Electron's ABI, before any worker starts (they inherit env).
  const binding = resolveSqliteBinding({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    distDir,
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    exists: (file) => fs.existsSync(file),
  });
  if (binding.path === null) return fail(binding.problem);
  process.env[SQLITE_BINDING_ENV] = binding.path;

  hardenSession(session.defaultSession, policy, (url) => {
    if (policy.devtools) process.stderr.write(`longtail: refused a request for ${url}\n`);
  });
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));

  const core = new CoreHost({ mode: 'electron', recentFile: path.join(app.getPath('userData'), 'recent-cases.json') });
  host = core;
  registerIpc({
    ipcMain,
    host: core,
    dialogs: nativeDialogs(dialog, app.getPath('documents')),
    windowOf: (event) => BrowserWindow.fromWebContents(event.sender),
  });
  forwardEvents(core, (channel, name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(channel, name, payload);
    }
  });

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, policy)));
  createWindow();
}

// Before `ready`: the scheme's privileges, the sandbox for every renderer, one instance.
protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Every web contents, the main window's and any other, gets the navigation guards.
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, policy));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (host && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  // Stop the workers before leaving (an import in progress is cut as on a crash: the
  // transaction of the file, or group of small files, rolls back and the next open marks
  // those files incomplete).
  app.on('will-quit', (event) => {
    if (closing || !host) return;
    event.preventDefault();
    closing = true;
    const done = host.close().catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
    void Promise.race([done, timeout]).finally(() => app.quit());
  });
  app.whenReady().then(ready).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}

