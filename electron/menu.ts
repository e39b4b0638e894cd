// A minimal application menu: quit, the edit commands (so copy and paste work in text
// fields, notably on macOS), zoom and full screen. Reload and DevTools only in
// development. No help links: the app never opens anything on the network.
import type { MenuItemConstructorOptions } from 'electron';

export function menuTemplate(platform: string, options: { devtools: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (options.devtools) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  if (platform === 'darwin') {
    return [{ role: 'appMenu' }, edit, { label: 'View', submenu: view }, { role: 'windowMenu' }];
  }
  return [{ label: 'File', submenu: [{ role: 'quit' }] }, edit, { label: 'View', submenu: view }];
}
