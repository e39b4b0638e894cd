import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-core/ingest/json/canonical.js';

function shuffleKeys(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x, i) => shuffleKeys(x, seed + i));
  if (typeof v !== 'object' || v === null) return v;
  const keys = Object.keys(v);
  const order = keys.map((k, i) => [k, (i * 7919 + seed * 104729) % 1009] as const).sort((a, b) => a[1] - b[1]);
  const out: Record<string, unknown> = {};
  for (const [k] of order) {
    const value = shuffleKeys((v as Record<string, unknown>)[k], seed + 1);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('gives one text for the same object in any key order', () => {
    const a = JSON.parse('{"EventID":4697,"Hostname":"WKS1","ServiceName":"PSEXESVC","Data":{"x":1,"y":[1,2]}}') as unknown;
    const b = JSON.parse('{"Data":{"y":[1,2],"x":1},"ServiceName":"PSEXESVC","Hostname":"WKS1","EventID":4697}') as unknown;
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('orders keys by UTF-16 code units, integer-like keys included', () => {
    const keys = ['😀', 'z', 'é', '10', 'Z', '\uffff', '9', 'a', ''];
    const obj = Object.fromEntries(keys.map((k) => [k, 0]));
    const want = '{' + [...keys].sort().map((k) => `${JSON.stringify(k)}:0`).join(',') + '}';
    expect(canonicalJson(obj)).toBe(want);
    expect(want.startsWith('{"":0,"10":0,"9":0,"Z":0,"a":0,"z":0,"é":0,"😀":0')).toBe(true);
  });

  it('writes bigints as digits and numbers and strings as JSON.stringify does', () => {
    expect(canonicalJson({ n: 9223372036854775808n, m: -5n })).toBe('{"m":-5,"n":9223372036854775808}');
    expect(canonicalJson([-0, 1e21, 1.5e-7, NaN, Infinity, 0.1])).toBe('[0,1e+21,1.5e-7,null,null,0.1]');
    const s = 'q"b\\s/\u0000\u001f\u2028\ud800x\udc00😀é\t\n';
    expect(canonicalJson(s)).toBe(JSON.stringify(s));
    expect(canonicalJson({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
  });

  it('drops what JSON cannot hold as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: null })).toBe('{"c":null}');
    expect(canonicalJson([undefined, () => 1, Symbol('x')])).toBe('[null,null,null]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('round-trips and ignores key order for random values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 1000 }), (v, seed) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(shuffleKeys(v, seed))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});
