// Read access to a JSON document whatever its shape: nested objects, dotted keys
// (`"process.name"`), both mixed, and the Elasticsearch `fields` API (every value an
// array). Mappers ask for dotted paths and never care which shape they got.
import { clean } from '../../normalize/values.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class Doc {
  private readonly flat = new Map<string, unknown>();

  constructor(readonly value: Record<string, unknown>) {
    this.flatten(value, '');
  }

  private flatten(obj: Record<string, unknown>, prefix: string): void {
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      const path = prefix + key;
      if (isPlainObject(v)) this.flatten(v, path + '.');
      else this.flat.set(path, v);
    }
  }

  /** The value at a dotted path; a one-element array (fields API) is unwrapped. */
  get(path: string): unknown {
    const v = this.flat.get(path);
    if (Array.isArray(v) && v.length === 1 && !isPlainObject(v[0])) return v[0];
    return v;
  }

  /** A text value (placeholders `""`, `-`, `?` are absent); the first of an array. */
  str(path: string): string | null {
    const v = this.get(path);
    if (Array.isArray(v)) return v.length > 0 ? clean(v[0]) : null;
    return clean(v);
  }

  /** First present text among several paths. */
  first(...paths: string[]): string | null {
    for (const p of paths) {
      const s = this.str(p);
      if (s !== null) return s;
    }
    return null;
  }

  /** Every value at a path as an array of strings (lowercased for matching). */
  terms(path: string): string[] {
    const v = this.flat.get(path);
    const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    return arr.filter((x) => typeof x === 'string').map((x) => (x as string).toLowerCase());
  }

  has(path: string): boolean {
    return this.flat.has(path);
  }

  /** True when any key starts with `prefix.` (e.g. a `dll` object is present). */
  hasObject(prefix: string): boolean {
    const p = prefix + '.';
    for (const k of this.flat.keys()) if (k.startsWith(p)) return true;
    return false;
  }

  /** The sub-tree under a prefix, as a flat record (`winlog.event_data` → its fields). */
  subtree(prefix: string): Record<string, unknown> {
    const p = prefix + '.';
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.flat) {
      if (k.startsWith(p)) out[k.slice(p.length)] = Array.isArray(v) && v.length === 1 ? v[0] : v;
    }
    return out;
  }
}
