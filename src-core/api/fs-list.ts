// Folder listing for the browser UI's file picker (a browser cannot give file paths;
// Electron uses the native dialogs instead). Read-only; hidden entries are left out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type FsEntry, type FsListing } from './contract.js';

const MAX_ENTRIES = 5000;

export function listDir(dir: string | null): FsListing {
  const target = path.resolve(dir ?? os.homedir());
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(target, { withFileTypes: true });
  } catch (err) {
    throw new ApiError('not-found', `${target}: ${(err as Error).message}`);
  }
  const entries: FsEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.') || entries.length >= MAX_ENTRIES) continue;
    const full = path.join(target, d.name);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) entries.push({ name: d.name, path: full, kind: 'dir', size: null });
    else if (st.isFile()) entries.push({ name: d.name, path: full, kind: 'file', size: st.size });
  }
  entries.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'dir' ? -1 : 1) : a.name.localeCompare(b.name)));
  const parent = path.dirname(target);
  return { dir: target, parent: parent === target ? null : parent, entries };
}
