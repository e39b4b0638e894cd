/**
 * Deterministic JSON: keys sorted by UTF-16 code units, no whitespace, bigints as
 * their digits. It is the duplicate key of JSON records, so two objects that differ
 * only in key order must give the same text. Values JSON cannot hold (undefined,
 * functions, symbols) are dropped from objects and written as null in arrays, as
 * JSON.stringify does. Recursive: meant for reader output, whose depth is capped.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** Characters JSON.stringify would escape; most strings have none and skip it. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Records repeat the same keys, so their quoted form is worth keeping (bounded). */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear();
    q = JSON.stringify(k) + ':';
    quotedKeys.set(k, q);
  }
  return q;
}

function write(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      return Array.isArray(v) ? writeArray(v) : writeObject(v as Record<string, unknown>);
    default:
      return undefined;
  }
}

function writeArray(a: unknown[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    out += write(a[i]) ?? 'null';
  }
  return out + ']';
}

function writeObject(o: Record<string, unknown>): string {
  // The default sort compares UTF-16 code units, which is the order we promise.
  const keys = Object.keys(o).sort();
  let out = '{';
  for (const k of keys) {
    const w = write(o[k]);
    if (w === undefined) continue;
    out += out.length === 1 ? quoteKey(k) + w : ',' + quoteKey(k) + w;
  }
  return out + '}';
}
