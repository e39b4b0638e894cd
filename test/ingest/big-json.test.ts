import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, mayHoldBigInt, parseJson } from '../../src-core/ingest/json/big-json.js';
import { canonicalJson } from '../../src-core/ingest/json/canonical.js';

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact as bigint', () => {
    expect(parseJson('{"a":9007199254740993,"b":9007199254740991,"c":-9223372036854775808}')).toEqual({
      a: 9007199254740993n,
      b: 9007199254740991,
      c: -9223372036854775808n,
    });
    expect(parseJson('[18446744073709551615]')).toEqual([18446744073709551615n]);
    expect(parseJson('9007199254740992')).toBe(9007199254740992n);
  });

  it('leaves non-integers and safe integers as numbers', () => {
    const text = '[12345678901234567890.5, 1234567890123456789e2, 0.00000000000000000001, 1e400, -0, 123456789012345]';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(parseJson(text)).toEqual([Number('12345678901234567890.5'), Number('1234567890123456789e2'), 1e-20, Infinity, -0, 123456789012345]);
  });

  it('never touches digits inside strings', () => {
    expect(parseJson('{"h":"=00000000000000000000000000000000","n":1}')).toEqual({ h: '=00000000000000000000000000000000', n: 1 });
    // A colon before the digits sends it to the exact parser, which must still see a string.
    expect(parseJson('{"t":"x:12345678901234567890","n":12345678901234567890}')).toEqual({
      t: 'x:12345678901234567890',
      n: 12345678901234567890n,
    });
  });

  it('matches JSON.parse on escapes, unicode and __proto__ in the exact path', () => {
    const text = '{"a\\u0041":"\\n\\"\\\\\\/\\ud83d\\ude00é","__proto__":{"x":1},"n":[12345678901234567890,true,false,null,{}]}';
    const got = parseJson(text) as Record<string, unknown>;
    const ref = JSON.parse(text.replace('12345678901234567890', '0')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(Object.keys(ref));
    expect(got['aA']).toBe('\n"\\/😀é');
    expect(Object.getOwnPropertyDescriptor(got, '__proto__')?.value).toEqual({ x: 1 });
    expect(got['n']).toEqual([12345678901234567890n, true, false, null, {}]);
  });

  it('rejects what JSON.parse rejects, in both paths', () => {
    const bad = [
      '{"n":12345678901234567890,}',
      '[12345678901234567890',
      '[012345678901234567890]',
      '{"n":12345678901234567890} x',
      '{"s":"a\tb","n":12345678901234567890}',
      '{n:12345678901234567890}',
      '[12345678901234567890 1]',
      '[-]',
      '',
      '{"a":1',
    ];
    for (const text of bad) expect(() => parseJson(text), text).toThrow(SyntaxError);
  });

  it('caps nesting in the exact path', () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + '12345678901234567890' + ']'.repeat(MAX_JSON_DEPTH);
    expect(() => parseJson(ok)).not.toThrow();
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + '12345678901234567890' + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(() => parseJson(deep)).toThrow(/nested deeper than 512/);
  });

  it('samples every 16th character yet finds every long digit run', () => {
    for (let pad = 0; pad < 40; pad++) {
      expect(mayHoldBigInt(`{"k":${' '.repeat(pad)}1234567890123456}`)).toBe(true);
      expect(mayHoldBigInt(`{"k":${' '.repeat(pad)}123456789012345}`)).toBe(false);
      expect(mayHoldBigInt(`{"k":"${'a'.repeat(pad)}=12345678901234567"}`)).toBe(false);
    }
    expect(mayHoldBigInt('12345678901234567')).toBe(true);
    expect(mayHoldBigInt('0'.repeat(1_000_000))).toBe(true);
    expect(mayHoldBigInt('"=' + '0'.repeat(1_000_000) + '"')).toBe(false);
  });

  it('round-trips random values with big integers', () => {
    const big = fc.oneof(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 53n) }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        big,
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 5 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(parseJson(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on random JSON, but for unsafe integer literals', () => {
    // What parseJson should give: JSON.parse, with integer literals beyond 2^53 exact.
    const exact = (_key: string, v: unknown) =>
      typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) && !String(v).includes('e') ? BigInt(String(v)) : v;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(parseJson(text)).toEqual(JSON.parse(text, exact));
      }),
      { numRuns: 500 },
    );
  });
});
