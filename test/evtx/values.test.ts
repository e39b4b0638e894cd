// Value types ("Value types" in the libyal document): sizes, edge cases and text.

import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvtxBinXmlError, readEvtx } from '../../src-core/ingest/evtx/index.js';
import { filetimeText, filetimeTicksToIso, filetimeToIso, systemtimeText, toIso7 } from '../../src-core/ingest/evtx/time.js';
import { VT, arrayTexts, guidText, int64Text, realText, sidLength, sidText, typeName, valueText } from '../../src-core/ingest/evtx/value-types.js';
import { EVTX_DIR } from './evtx-corpus.js';

function bytes(...parts: Array<number[] | Buffer>): Buffer {
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function u64le(n: bigint): number[] {
  return [...u32le(Number(n & 0xffffffffn)), ...u32le(Number(n >> 32n))];
}

function utf16(s: string): Buffer {
  return Buffer.from(s, 'utf16le');
}

describe('Boolean (0x0d): a 32-bit integer', () => {
  it('is false for 0 and true for any other value, read as 4 bytes', () => {
    expect(valueText(bytes(u32le(0)), 0, 4, VT.BOOL)).toBe('false');
    expect(valueText(bytes(u32le(1)), 0, 4, VT.BOOL)).toBe('true');
    for (const v of [2, 8, 16, 0x100, 65536, 0x80000000, 0xffffffff]) expect(valueText(bytes(u32le(v)), 0, 4, VT.BOOL)).toBe('true');
    // Only the first 4 bytes count: a 1 in the 5th byte belongs to the next value.
    expect(valueText(bytes(u32le(0), [1]), 0, 4, VT.BOOL)).toBe('false');
  });

  it('is rejected when its declared size cannot hold 4 bytes', () => {
    expect(() => valueText(bytes([1]), 0, 1, VT.BOOL)).toThrow(EvtxBinXmlError);
  });

  it('arrays take 4 bytes per item', () => {
    expect(arrayTexts(bytes(u32le(1), u32le(0), u32le(7)), 0, 12, VT.BOOL | VT.ARRAY)).toEqual(['true', 'false', 'true']);
    expect(() => arrayTexts(bytes(u32le(1), [0, 0]), 0, 6, VT.BOOL | VT.ARRAY)).toThrow(EvtxBinXmlError);
  });

  it('decodes the irregular values of sample-with-irregular-bool-values.evtx (16, 8, 65536) as true', () => {
    const want: Record<number, Record<string, string>> = {
      141: { IsMachine: 'true', WinlogonReturnTimeElapsedInMilliseconds: '0' },
      143: { IsDomainJoined: 'false', IsAsyncProcessing: 'true', ReasonForSyncProcessing: '0' },
      148: { IsMachine: 'true', IsBackgroundProcessing: 'true', NumberOfGPOsDownloaded: '0' },
    };
    for (const item of readEvtx(path.join(EVTX_DIR, 'parser-samples', 'sample-with-irregular-bool-values.evtx'))) {
      if (item.type === 'record' && want[item.recordId]) expect(item.data).toMatchObject(want[item.recordId] as object);
    }
  });
});

describe('SID (0x13)', () => {
  const sid = (rev: number, auth: number[], subs: number[], count = subs.length): Buffer => bytes([rev, count], auth, ...subs.map(u32le));

  it('prints S-R-A-S…', () => {
    expect(sidText(sid(1, [0, 0, 0, 0, 0, 5], [18]), 0, 12)).toBe('S-1-5-18');
    expect(sidText(sid(1, [0, 0, 0, 0, 0, 5], [21, 1223297778, 3299746493, 1462173606, 500]), 0, 28)).toBe(
      'S-1-5-21-1223297778-3299746493-1462173606-500',
    );
    expect(sidText(sid(1, [0, 0, 0, 0, 0, 0], [0]), 0, 12)).toBe('S-1-0-0');
    expect(valueText(sid(1, [0, 0, 0, 0, 0, 5], [32, 544]), 0, 16, VT.SID)).toBe('S-1-5-32-544');
  });

  it('prints a 48-bit identifier authority of 2^32 or more in hex, as Windows does', () => {
    expect(sidText(sid(1, [0, 1, 0, 0, 0, 0], [7]), 0, 12)).toBe('S-1-0x000100000000-7');
  });

  it('keeps what an incomplete SID holds', () => {
    // Says 5 sub-authorities, holds 2.
    expect(sidText(sid(1, [0, 0, 0, 0, 0, 5], [21, 42], 5), 0, 16)).toBe('S-1-5-21-42');
    expect(sidLength(sid(1, [0, 0, 0, 0, 0, 5], [21, 42], 5), 0, 16)).toBe(16);
    // A partial sub-authority is dropped; a SID shorter than its fixed part is marked.
    expect(sidText(bytes(sid(1, [0, 0, 0, 0, 0, 5], [21], 2), [1, 2]), 0, 14)).toBe('S-1-5-21');
    expect(sidText(bytes([1, 1, 0, 0]), 0, 4)).toBe('S-1-?');
    expect(sidText(bytes([1]), 0, 1)).toBe('S-?');
    // All zeros (a zeroed record tail) is still printable.
    expect(sidText(Buffer.alloc(12), 0, 12)).toBe('S-0-0');
  });

  it('splits SID arrays by each SID length', () => {
    const two = bytes(sid(1, [0, 0, 0, 0, 0, 5], [18]), sid(1, [0, 0, 0, 0, 0, 5], [32, 544]));
    expect(arrayTexts(two, 0, two.length, VT.SID | VT.ARRAY)).toEqual(['S-1-5-18', 'S-1-5-32-544']);
  });
});

describe('GUID (0x0f)', () => {
  it('is upper case in braces, the first three fields little-endian', () => {
    const b = bytes([0x72, 0xbb, 0x5a, 0x36, 0x84, 0x25, 0xc9, 0x5c, 0x00, 0x00, 0x00, 0x10, 0xea, 0x03, 0x00, 0x00]);
    expect(guidText(b, 0)).toBe('{365ABB72-2584-5CC9-0000-0010EA030000}');
    expect(valueText(Buffer.alloc(16), 0, 16, VT.GUID)).toBe('{00000000-0000-0000-0000-000000000000}');
    expect(() => valueText(Buffer.alloc(15), 0, 15, VT.GUID)).toThrow(EvtxBinXmlError);
  });
});

describe('FILETIME (0x11): 100 ns ticks since 1601', () => {
  const ticksOf = (iso: string, extra100ns: bigint): bigint => (BigInt(Date.parse(iso)) + 11644473600000n) * 10000n + extra100ns;

  it('keeps all 7 fractional digits', () => {
    const t = ticksOf('2019-04-30T20:26:51.793Z', 5890n);
    expect(filetimeToIso(Number(t & 0xffffffffn), Number(t >> 32n))).toBe('2019-04-30T20:26:51.7935890Z');
    expect(filetimeTicksToIso(t + 1n)).toBe('2019-04-30T20:26:51.7935891Z');
    expect(filetimeTicksToIso(t - 5890n - 1n)).toBe('2019-04-30T20:26:51.7929999Z');
  });

  it('covers the whole 64-bit range', () => {
    expect(filetimeTicksToIso(0n)).toBe('1601-01-01T00:00:00.0000000Z');
    expect(filetimeTicksToIso(116444736000000000n)).toBe('1970-01-01T00:00:00.0000000Z');
    expect(filetimeTicksToIso(0xffffffffffffffffn)).toBe('60056-05-28T05:36:10.9551615Z');
  });

  it('agrees with BigInt arithmetic and Date for any tick count Date can show', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2650467743999999999n }), (t) => {
        const ms = t / 10000n - 11644473600000n;
        const iso = new Date(Number(ms)).toISOString();
        const want = `${iso.slice(0, 19)}.${(t % 10000000n).toString().padStart(7, '0')}Z`;
        return filetimeTicksToIso(t) === want;
      }),
      { numRuns: 2000 },
    );
  });

  it('prints data values as libevtx does (9 digits) and normalizes them back', () => {
    const t = ticksOf('2018-07-06T18:37:44.485Z', 8175n);
    const b = bytes(u64le(t));
    expect(valueText(b, 0, 8, VT.FILETIME)).toBe('2018-07-06T18:37:44.485817500Z');
    expect(filetimeText(Number(t & 0xffffffffn), Number(t >> 32n))).toBe('2018-07-06T18:37:44.485817500Z');
    expect(toIso7('2018-07-06T18:37:44.485817500Z')).toBe('2018-07-06T18:37:44.4858175Z');
    expect(toIso7('2017-05-19T02:02:36Z')).toBe('2017-05-19T02:02:36.0000000Z');
    expect(toIso7('not a time')).toBeNull();
  });
});

describe('SYSTEMTIME (0x12)', () => {
  it('prints milliseconds, fields as stored', () => {
    const st = (y: number, mo: number, dow: number, d: number, h: number, mi: number, s: number, ms: number): Buffer =>
      Buffer.from(new Uint16Array([y, mo, dow, d, h, mi, s, ms]).buffer);
    expect(systemtimeText(st(2019, 3, 5, 8, 23, 23, 5, 0), 0)).toBe('2019-03-08T23:23:05.000Z');
    expect(valueText(st(2011, 1, 2, 25, 23, 50, 52, 7), 0, 16, VT.SYSTEMTIME)).toBe('2011-01-25T23:50:52.007Z');
    expect(toIso7('2019-03-08T23:23:05.000Z')).toBe('2019-03-08T23:23:05.0000000Z');
    expect(arrayTexts(Buffer.concat([st(2020, 1, 0, 1, 0, 0, 0, 999), st(2021, 12, 0, 31, 23, 59, 59, 1)]), 0, 32, VT.SYSTEMTIME | VT.ARRAY)).toEqual([
      '2020-01-01T00:00:00.999Z',
      '2021-12-31T23:59:59.001Z',
    ]);
  });
});

describe('integers', () => {
  it('HexInt32 (0x14) and HexInt64 (0x15): 0x + 8 / 16 lower-case digits', () => {
    expect(valueText(bytes(u32le(0xc4c)), 0, 4, VT.HEX_INT32)).toBe('0x00000c4c');
    expect(valueText(bytes(u64le(0x3e7n)), 0, 8, VT.HEX_INT64)).toBe('0x00000000000003e7');
    expect(valueText(bytes(u64le(0x8020000000000000n)), 0, 8, VT.HEX_INT64)).toBe('0x8020000000000000');
    expect(valueText(bytes(u64le(0xffffffffffffffffn)), 0, 8, VT.HEX_INT64)).toBe('0xffffffffffffffff');
  });

  it('SizeT (0x10) is printed in decimal, 32 or 64-bit by its size', () => {
    expect(valueText(bytes(u32le(0x24c)), 0, 4, VT.SIZE_T)).toBe('588');
    expect(valueText(bytes(u64le(2n ** 60n)), 0, 8, VT.SIZE_T)).toBe('1152921504606846976');
    expect(() => valueText(bytes([1, 2]), 0, 2, VT.SIZE_T)).toThrow(EvtxBinXmlError);
  });

  it('signed and unsigned 8 to 64-bit integers, exact beyond 2^53', () => {
    expect(valueText(bytes([0xff]), 0, 1, VT.INT8)).toBe('-1');
    expect(valueText(bytes([0xff]), 0, 1, VT.UINT8)).toBe('255');
    expect(valueText(bytes([0x00, 0x80]), 0, 2, VT.INT16)).toBe('-32768');
    expect(valueText(bytes([0x00, 0x80]), 0, 2, VT.UINT16)).toBe('32768');
    expect(valueText(bytes(u32le(0xffffffff)), 0, 4, VT.INT32)).toBe('-1');
    expect(valueText(bytes(u32le(0xffffffff)), 0, 4, VT.UINT32)).toBe('4294967295');
    expect(valueText(bytes(u64le(2n ** 64n - 1n)), 0, 8, VT.UINT64)).toBe('18446744073709551615');
    expect(valueText(bytes(u64le(2n ** 64n - 1n)), 0, 8, VT.INT64)).toBe('-1');
    expect(valueText(bytes(u64le(2n ** 63n)), 0, 8, VT.INT64)).toBe('-9223372036854775808');
    expect(valueText(bytes(u64le(9007199254740993n)), 0, 8, VT.UINT64)).toBe('9007199254740993');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
        const lo = Number(v & 0xffffffffn);
        const hi = Number(v >> 32n);
        return int64Text(lo, hi, false) === v.toString() && int64Text(lo, hi, true) === BigInt.asIntN(64, v).toString();
      }),
      { numRuns: 2000 },
    );
  });

  it('arrays of integers hold size / item-size items', () => {
    expect(arrayTexts(bytes([1, 0, 2, 0, 0xff, 0xff]), 0, 6, VT.UINT16 | VT.ARRAY)).toEqual(['1', '2', '65535']);
    expect(arrayTexts(bytes(u32le(1), u32le(0xffffffff)), 0, 8, VT.HEX_INT32 | VT.ARRAY)).toEqual(['0x00000001', '0xffffffff']);
    expect(arrayTexts(bytes(u64le(5n)), 0, 8, VT.HEX_INT64 | VT.ARRAY)).toEqual(['0x0000000000000005']);
    expect(() => arrayTexts(bytes([1, 0, 2]), 0, 3, VT.UINT16 | VT.ARRAY)).toThrow(EvtxBinXmlError);
  });
});

describe('strings and binary', () => {
  it('UTF-16 strings end at their first NUL; ANSI strings are Windows-1252', () => {
    expect(valueText(utf16('C:\\Windows\\system32\\services.exe'), 0, 64, VT.STRING)).toBe('C:\\Windows\\system32\\services.exe');
    expect(valueText(bytes(utf16('abc'), [0, 0], utf16('junk')), 0, 16, VT.STRING)).toBe('abc');
    expect(valueText(utf16('forêt entière « x »'), 0, 38, VT.STRING)).toBe('forêt entière « x »');
    expect(valueText(Buffer.alloc(0), 0, 0, VT.STRING)).toBe('');
    expect(valueText(bytes([0x41, 0x80, 0xe9, 0, 0x42]), 0, 5, VT.ANSI_STRING)).toBe('A€é');
  });

  it('string arrays split at NULs; an empty array gives one empty item', () => {
    const b = bytes(utf16('one'), [0, 0], utf16('two'), [0, 0], utf16(''), [0, 0]);
    expect(arrayTexts(b, 0, b.length, VT.STRING | VT.ARRAY)).toEqual(['one', 'two', '']);
    expect(arrayTexts(utf16('last'), 0, 8, VT.STRING | VT.ARRAY)).toEqual(['last']);
    expect(arrayTexts(Buffer.alloc(0), 0, 0, VT.STRING | VT.ARRAY)).toEqual(['']);
    expect(arrayTexts(bytes([0x61, 0, 0x62, 0x63, 0]), 0, 5, VT.ANSI_STRING | VT.ARRAY)).toEqual(['a', 'bc']);
  });

  it('binary is upper-case hex; NULL is empty', () => {
    expect(valueText(bytes([0xe2, 0x07, 0x07, 0x00, 0xab]), 0, 5, VT.BINARY)).toBe('E2070700AB');
    expect(valueText(Buffer.alloc(4), 0, 0, VT.NULL)).toBe('');
  });

  it('floating point in libfwevt notation', () => {
    expect(realText(1.5, false)).toBe('1.500000e+000');
    expect(realText(-0.000123, false)).toBe('-1.230000e-004');
    expect(realText(0, false)).toBe('0.000000e+000');
    expect(realText(Infinity, false)).toBe('Inf');
    expect(realText(NaN, true)).toBe('Ind');
    const b = Buffer.alloc(8);
    b.writeDoubleLE(12345.5);
    expect(valueText(b, 0, 8, VT.REAL64)).toBe('1.234550e+004');
  });

  it('names the types', () => {
    expect(typeName(VT.SID)).toBe('Sid');
    expect(typeName(VT.STRING | VT.ARRAY)).toBe('String[]');
    expect(typeName(0x42)).toBe('0x42');
  });
});
