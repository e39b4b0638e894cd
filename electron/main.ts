// Electron main process. Until the desktop UI lands (issue 4) it opens a window that
// says how to use the command line; the security settings are already the final ones.
import { app, BrowserWindow, session } from 'electron';
import path from 'node:path';

const PLACEHOLDER = `<!doctype html><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Longtail</title>
<body style="font: 15px system-ui; margin: 3em; max-width: 40em">
<h1>Longtail</h1>
<p>The desktop interface is not built yet. Use the command line:</p>
<pre>npm run hunt -- samples/</pre>
</body>`;

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Longtail',
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  void win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(PLACEHOLDER)}`);
}

app.whenReady().then(() => {
  // Offline by design: nothing but the app's own content is ever fetched.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !/^(data|file|devtools):/.test(details.url) });
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}, (err: unknown) => {
  process.stderr.write(`Longtail failed to start: ${String(err)} (${path.basename(process.execPath)})\n`);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
