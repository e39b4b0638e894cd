// JSON texts of the same value in other forms: what the tests of the JSON lines scan
// (decisions 54 and 83) feed it, beside the corpus's JSON files (corpusFiles('json')).

/** A JSON text of `v` (bigints as digits) with keys in the given order and optional spaces. */
export function serialize(v: unknown, order: (keys: string[]) => string[] = (k) => k, space = ''): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${space}${v.map((x) => serialize(x, order, space)).join(`,${space}`)}${space}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${space}${order(Object.keys(o)).map((k) => `${JSON.stringify(k)}${space}:${space}${serialize(o[k], order, space)}`).join(`,${space}`)}${space}}`;
  }
  return JSON.stringify(v);
}
