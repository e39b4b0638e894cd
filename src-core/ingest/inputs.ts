// What to import: files and folders expanded, and a file's SHA-256 (its identity in
// the import log and the report).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { collectionOf, findCollections, type HostHint } from './archive/layout.js';

/** Extensions that announce data: such a file that we cannot read is an error, not noise. */
export const DATA_EXTENSIONS = new Set(['.evtx', '.csv', '.json', '.jsonl', '.ndjson', '.tsv', '.zip', '.gz', '.tgz', '.tar']);

export interface InputFile {
  path: string;
  /** Named explicitly (not found while walking a folder). */
  explicit: boolean;
  /** In a collection's folder: the host it names, for logs without a usable Computer field. */
  hostHint?: HostHint | null;
  /** A collection's bookkeeping file (not imported), and what it is. */
  metadata?: string | null;
}

/** Collection metadata bigger than this is not read for a host name. */
const SMALL_FILE = 1024 * 1024;

function readSmall(file: string): Buffer | null {
  try {
    return fs.statSync(file).size <= SMALL_FILE ? fs.readFileSync(file) : null;
  } catch {
    return null;
  }
}

/**
 * Files and folders (walked recursively, in name order) → the files to import. A folder
 * holding an extracted collection (Velociraptor, KAPE: archive/layout.ts) gives its files
 * the host name the collection names, and says which files are its own bookkeeping.
 */
export function expandInputs(inputs: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  const walk = (dir: string, into: InputFile[]) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, into);
      else if (e.isFile()) into.push({ path: full, explicit: false });
    }
  };
  for (const input of inputs) {
    // A path that cannot be read is still listed: its import fails and says why.
    const st = fs.statSync(input, { throwIfNoEntry: false });
    if (!st?.isDirectory()) {
      out.push({ path: input, explicit: true });
      continue;
    }
    const files: InputFile[] = [];
    walk(input, files);
    const rel = (f: InputFile) => path.relative(input, f.path).split(path.sep).join('/');
    const collections = findCollections(files.map(rel), (name) => readSmall(path.join(input, name)), path.resolve(input));
    for (const f of files) {
      const c = collectionOf(collections, rel(f));
      if (c) {
        f.hostHint = c.host;
        if (c.metadata.has(rel(f))) f.metadata = 'Velociraptor collection metadata';
      }
      out.push(f);
    }
  }
  return out;
}

export function sha256File(file: string, onBytes?: (n: number) => void): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    let total = 0;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      h.update(buf.subarray(0, n));
      total += n;
      onBytes?.(total);
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}
