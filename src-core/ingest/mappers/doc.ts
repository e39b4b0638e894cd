// Read access to a JSON document whatever its shape: nested objects, dotted keys
// (`"process.name"`), both mixed, and the Elasticsearch `fields` API (every value an
// array). Mappers ask for dotted paths and never care which shape they got.
// Lookups walk the document lazily: flattening every document up front cost more
// than the whole mapping on the import hot path.
import { clean } from '../../normalize/values.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const splitCache = new Map<string, string[]>();
/** A dotted path's parts, kept: mappers ask for the same few paths on every record. */
export function segments(path: string): string[] {
  let s = splitCache.get(path);
  if (!s) {
    s = path.split('.');
    if (splitCache.size < 10_000) splitCache.set(path, s);
  }
  return s;
}

const joined = new Map<string, Map<string, string>>();
/**
 * `prefix.leaf`, the same string each time: a path built anew on every record cost its
 * Map lookup in segments() a flattening and a hash (decision 83).
 */
export function subPath(prefix: string, leaf: string): string {
  let leaves = joined.get(prefix);
  if (!leaves) {
    if (joined.size >= 1000) joined.clear();
    leaves = new Map();
    joined.set(prefix, leaves);
  }
  let p = leaves.get(leaf);
  if (p === undefined) {
    p = `${prefix}.${leaf}`;
    if (leaves.size < 1000) leaves.set(leaf, p);
  }
  return p;
}

const MISSING = Symbol('missing');

/** Finds `parts[i..]` under `obj`, trying nested keys first, then dotted ones. */
function lookup(obj: Record<string, unknown>, parts: readonly string[], i: number): unknown {
  let key = parts[i]!;
  for (let j = i; j < parts.length; j++) {
    if (j > i) key += '.' + parts[j]!;
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const v = obj[key];
    if (j === parts.length - 1) return v;
    if (isPlainObject(v)) {
      const found = lookup(v, parts, j + 1);
      if (found !== MISSING) return found;
    }
  }
  return MISSING;
}

/**
 * The mappers' view of a document. Both kinds answer every question alike: ValueDoc over a
 * parsed object, TreeDoc (tree-doc.ts) over a scanned text, which builds only the values
 * asked for (decision 83).
 */
export abstract class Doc {
  /** The value at a dotted path as the document holds it; undefined when absent. */
  protected abstract raw(path: string): unknown;

  abstract has(path: string): boolean;

  /** True when an object, or any dotted key, lives under `prefix` (e.g. a `dll` block). */
  abstract hasObject(prefix: string): boolean;

  /** The leaves under a prefix as a flat record (`winlog.event_data` → its fields). */
  abstract subtree(prefix: string): Record<string, unknown>;

  /** The value at a dotted path; a one-element array (fields API) is unwrapped. */
  get(path: string): unknown {
    const v = this.raw(path);
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
    const v = this.raw(path);
    const arr = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
    return arr.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase());
  }
}

export class ValueDoc extends Doc {
  constructor(readonly value: Record<string, unknown>) {
    super();
  }

  protected raw(path: string): unknown {
    const v = lookup(this.value, segments(path), 0);
    return v === MISSING ? undefined : v;
  }

  has(path: string): boolean {
    return this.raw(path) !== undefined;
  }

  hasObject(prefix: string): boolean {
    if (isPlainObject(this.raw(prefix))) return true;
    const p = prefix + '.';
    return Object.keys(this.value).some((k) => k.startsWith(p));
  }

  subtree(prefix: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const add = (obj: Record<string, unknown>, at: string) => {
      for (const [k, v] of Object.entries(obj)) {
        if (isPlainObject(v)) add(v, `${at}${k}.`);
        else out[at + k] = Array.isArray(v) && v.length === 1 ? v[0] : v;
      }
    };
    const nested = this.raw(prefix);
    if (isPlainObject(nested)) add(nested, '');
    const p = prefix + '.';
    for (const [k, v] of Object.entries(this.value)) {
      if (k.startsWith(p)) out[k.slice(p.length)] = Array.isArray(v) && v.length === 1 ? v[0] : v;
    }
    return out;
  }
}
