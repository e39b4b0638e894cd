// Paths into ../shared/corpus (read-only public test data; never copied into the repo).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = path.resolve(REPO, '..', 'shared', 'corpus');

export function corpus(...parts: string[]): string {
  return path.join(CORPUS, ...parts);
}

/** Every file under a corpus folder, subfolders included, in directory order. */
export function corpusFiles(...parts: string[]): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  return walk(corpus(...parts));
}

/** Every line of a JSON-lines corpus file, parsed. */
export function jsonLines(...parts: string[]): Array<Record<string, unknown>> {
  return fs
    .readFileSync(corpus(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function jsonFile(...parts: string[]): unknown {
  return JSON.parse(fs.readFileSync(corpus(...parts), 'utf8'));
}
