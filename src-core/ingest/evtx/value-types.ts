// BinXML value types and their text ("Value types", "Systemtime", "Floating point"). Every value
// is read within its declared size. The text follows libevtx's rendering (the reference dumps):
// decimal integers (SizeT too), HexInt32/HexInt64 as 0x + 8/16 lower-case digits, GUIDs upper
// case in braces, SIDs as S-1-…, Booleans (a 32-bit integer) as true/false, binary as
// upper-case hex, strings up to their first NUL, FILETIME as ISO 8601 with 9 fractional digits
// (100 ns, so the last two are 0) and SYSTEMTIME with milliseconds.

import { i32, latin1, u16, u32, ucs2 } from './bytes.js';
import { EvtxBinXmlError } from './errors.js';
import { filetimeText, systemtimeText } from './time.js';

export const VT = {
  NULL: 0x00,
  STRING: 0x01,
  ANSI_STRING: 0x02,
  INT8: 0x03,
  UINT8: 0x04,
  INT16: 0x05,
  UINT16: 0x06,
  INT32: 0x07,
  UINT32: 0x08,
  INT64: 0x09,
  UINT64: 0x0a,
  REAL32: 0x0b,
  REAL64: 0x0c,
  BOOL: 0x0d,
  BINARY: 0x0e,
  GUID: 0x0f,
  SIZE_T: 0x10,
  FILETIME: 0x11,
  SYSTEMTIME: 0x12,
  SID: 0x13,
  HEX_INT32: 0x14,
  HEX_INT64: 0x15,
  EVT_HANDLE: 0x20,
  BINXML: 0x21,
  EVT_XML: 0x23,
  ARRAY: 0x80,
} as const;

const NAMES: Record<number, string> = {
  0x00: 'Null',
  0x01: 'String',
  0x02: 'AnsiString',
  0x03: 'Int8',
  0x04: 'UInt8',
  0x05: 'Int16',
  0x06: 'UInt16',
  0x07: 'Int32',
  0x08: 'UInt32',
  0x09: 'Int64',
  0x0a: 'UInt64',
  0x0b: 'Real32',
  0x0c: 'Real64',
  0x0d: 'Bool',
  0x0e: 'Binary',
  0x0f: 'Guid',
  0x10: 'SizeT',
  0x11: 'FileTime',
  0x12: 'SysTime',
  0x13: 'Sid',
  0x14: 'HexInt32',
  0x15: 'HexInt64',
  0x20: 'EvtHandle',
  0x21: 'BinXml',
  0x23: 'EvtXml',
};

/** Bytes per item of the fixed-size types; 0 for variable-size ones. */
const FIXED_SIZE: Record<number, number> = {
  0x03: 1,
  0x04: 1,
  0x05: 2,
  0x06: 2,
  0x07: 4,
  0x08: 4,
  0x09: 8,
  0x0a: 8,
  0x0b: 4,
  0x0c: 8,
  0x0d: 4,
  0x0f: 16,
  0x11: 8,
  0x12: 16,
  0x14: 4,
  0x15: 8,
};

export function typeName(type: number): string {
  const base = NAMES[type & 0x7f];
  if (base === undefined) return `0x${type.toString(16)}`;
  return type & VT.ARRAY ? `${base}[]` : base;
}

/** Whether a value type byte is one this decoder knows (scalar or array). */
export function isKnownType(type: number): boolean {
  if (type & VT.ARRAY) {
    const base = type & 0x7f;
    return base !== 0 && base !== VT.BINXML && NAMES[base] !== undefined;
  }
  return NAMES[type] !== undefined;
}

export function isArrayType(type: number): boolean {
  return (type & VT.ARRAY) !== 0;
}

const HEX_UPPER: string[] = [];
const HEX_LOWER: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_UPPER.push(i.toString(16).toUpperCase().padStart(2, '0'));
  HEX_LOWER.push(i.toString(16).padStart(2, '0'));
}

/**
 * Windows-1252 for 0x80-0x9F (the rest is Latin-1); undefined code points stay as the C1
 * control of the same value. Node's TextDecoder('windows-1252') decodes as ISO-8859-1.
 */
const CP1252_80_9F = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function cp1252(b: Buffer, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i] as number;
    s += c >= 0x80 && c <= 0x9f ? CP1252_80_9F[c - 0x80] : String.fromCharCode(c);
  }
  return s;
}

/** UTF-16LE text of `size` bytes, up to the first NUL character. */
export function utf16Text(b: Buffer, off: number, size: number): string {
  if (size < 2) return '';
  const s = ucs2(b, off, off + (size & ~1));
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Windows-1252 text of `size` bytes, up to the first NUL byte. */
export function ansiText(b: Buffer, off: number, size: number): string {
  let end = off;
  const limit = off + size;
  while (end < limit && b[end] !== 0) end++;
  if (end === off) return '';
  let ascii = true;
  for (let i = off; i < end; i++) {
    if ((b[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  return ascii ? latin1(b, off, end) : cp1252(b, off, end);
}

export function hex32Text(v: number): string {
  const s = (v >>> 0).toString(16);
  return `0x${s.length >= 8 ? s : '00000000'.slice(s.length) + s}`;
}

export function hex64Text(lo: number, hi: number): string {
  const h = (hi >>> 0).toString(16);
  const l = (lo >>> 0).toString(16);
  return `0x${'00000000'.slice(h.length)}${h}${'00000000'.slice(l.length)}${l}`;
}

/** A 64-bit integer from its halves as decimal text; BigInt only beyond 2^53. */
export function int64Text(lo: number, hi: number, signed: boolean): string {
  lo >>>= 0;
  hi >>>= 0;
  if (signed && hi >= 0x80000000) {
    if (hi === 0xffffffff && lo !== 0) return `${lo - 4294967296}`;
    return ((BigInt(hi) << 32n) | BigInt(lo)) - (1n << 64n) + '';
  }
  if (hi < 0x200000) return `${hi * 4294967296 + lo}`;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function guidText(b: Uint8Array, o: number): string {
  const H = HEX_UPPER as readonly string[];
  return (
    `{${H[b[o + 3] as number]}${H[b[o + 2] as number]}${H[b[o + 1] as number]}${H[b[o] as number]}-` +
    `${H[b[o + 5] as number]}${H[b[o + 4] as number]}-${H[b[o + 7] as number]}${H[b[o + 6] as number]}-` +
    `${H[b[o + 8] as number]}${H[b[o + 9] as number]}-${H[b[o + 10] as number]}${H[b[o + 11] as number]}` +
    `${H[b[o + 12] as number]}${H[b[o + 13] as number]}${H[b[o + 14] as number]}${H[b[o + 15] as number]}}`
  );
}

export function binaryText(b: Buffer, off: number, size: number): string {
  let s = '';
  for (let i = off; i < off + size; i++) s += HEX_UPPER[b[i] as number];
  return s;
}

/** Byte length of the SID at `o` (8 + 4 per sub-authority), capped to `avail`. */
export function sidLength(b: Uint8Array, o: number, avail: number): number {
  if (avail < 8) return avail;
  return Math.min(avail, 8 + 4 * (b[o + 1] as number));
}

/**
 * SID text S-R-A-S1-…: revision, 48-bit big-endian identifier authority (hex above 2^32, as
 * Windows prints it), then the 32-bit sub-authorities. An incomplete SID (shorter than its
 * sub-authority count says) keeps the sub-authorities that are wholly present.
 */
export function sidText(b: Uint8Array, o: number, size: number): string {
  if (size < 8) {
    if (size < 2) return 'S-?';
    return `S-${b[o]}-?`;
  }
  const auth = ((b[o + 2] as number) * 2 ** 40) + ((b[o + 3] as number) * 2 ** 32) + u32be(b, o + 4);
  let s = `S-${b[o]}-${auth < 4294967296 ? auth : `0x${auth.toString(16).toUpperCase().padStart(12, '0')}`}`;
  const count = b[o + 1] as number;
  for (let i = 0, p = o + 8; i < count && p + 4 <= o + size; i++, p += 4) s += `-${u32(b, p)}`;
  return s;
}

function u32be(b: Uint8Array, o: number): number {
  return (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0;
}

/** libfwevt's scientific notation: [-]d.dddddde[+-]ddd; Inf, NaN and Ind (negative quiet NaN). */
export function realText(v: number, negativeQuietNaN: boolean): string {
  if (Number.isNaN(v)) return negativeQuietNaN ? 'Ind' : 'NaN';
  if (!Number.isFinite(v)) return v < 0 ? '-Inf' : 'Inf';
  const [mant, exp] = Math.abs(v).toExponential(6).split('e') as [string, string];
  const e = Number(exp);
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  return `${sign}${mant}e${e < 0 ? '-' : '+'}${`${Math.abs(e)}`.padStart(3, '0')}`;
}

/** Booleans are 32-bit integers: 0 is false, anything else true. */
export function boolText(b: Uint8Array, o: number): string {
  return i32(b, o) === 0 ? 'false' : 'true';
}

function sizeError(type: number, size: number, off: number): EvtxBinXmlError {
  return new EvtxBinXmlError(`value of type ${typeName(type)} has size ${size}`, type, off);
}

/**
 * The text of a scalar value of `type` stored in `b[off, off + size)`. BinXML (0x21) and array
 * types are handled by the callers. Throws EvtxBinXmlError when the size cannot hold the type.
 */
export function valueText(b: Buffer, off: number, size: number, type: number): string {
  switch (type) {
    case VT.NULL:
      return '';
    case VT.STRING:
      return utf16Text(b, off, size);
    case VT.ANSI_STRING:
      return ansiText(b, off, size);
    case VT.BINARY:
      return binaryText(b, off, size);
    case VT.SID:
      return sidText(b, off, size);
    case VT.EVT_XML:
      return utf16Text(b, off, size);
    case VT.EVT_HANDLE:
      return size === 4 ? hex32Text(u32(b, off)) : size === 8 ? hex64Text(u32(b, off), u32(b, off + 4)) : binaryText(b, off, size);
    case VT.SIZE_T:
      // libevtx prints SizeT values in decimal (Security_with_size_t.evtx).
      if (size === 4) return `${u32(b, off)}`;
      if (size === 8) return int64Text(u32(b, off), u32(b, off + 4), false);
      throw sizeError(type, size, off);
    default: {
      const need = FIXED_SIZE[type];
      if (need === undefined) throw new EvtxBinXmlError(`unknown value type`, type, off);
      if (size < need) throw sizeError(type, size, off);
      return fixedText(b, off, type);
    }
  }
}

/** The text of one fixed-size item (the size is already checked). */
function fixedText(b: Buffer, off: number, type: number): string {
  switch (type) {
    case VT.INT8:
      return `${((b[off] as number) << 24) >> 24}`;
    case VT.UINT8:
      return `${b[off] as number}`;
    case VT.INT16:
      return `${(u16(b, off) << 16) >> 16}`;
    case VT.UINT16:
      return `${u16(b, off)}`;
    case VT.INT32:
      return `${i32(b, off)}`;
    case VT.UINT32:
      return `${u32(b, off)}`;
    case VT.INT64:
      return int64Text(u32(b, off), u32(b, off + 4), true);
    case VT.UINT64:
      return int64Text(u32(b, off), u32(b, off + 4), false);
    case VT.REAL32:
      return realText(b.readFloatLE(off), u32(b, off) === 0xffc00000);
    case VT.REAL64:
      return realText(b.readDoubleLE(off), u32(b, off + 4) === 0xfff80000 && u32(b, off) === 0);
    case VT.BOOL:
      return boolText(b, off);
    case VT.GUID:
      return guidText(b, off);
    case VT.FILETIME:
      return filetimeText(u32(b, off), u32(b, off + 4));
    case VT.SYSTEMTIME:
      return systemtimeText(b, off);
    case VT.HEX_INT32:
      return hex32Text(u32(b, off));
    case VT.HEX_INT64:
      return hex64Text(u32(b, off), u32(b, off + 4));
    default:
      throw new EvtxBinXmlError('unknown value type', type, off);
  }
}

/**
 * The items of an array value (type | 0x80): strings are NUL-separated, SIDs follow each other,
 * the fixed-size types hold size / item-size items; SizeT items are 32 or 64-bit (guessed from
 * the total size: a multiple of 8 is taken as 64-bit). An empty array
 * gives one empty item, as libevtx creates one empty element for it ("Normal substitution").
 */
export function arrayTexts(b: Buffer, off: number, size: number, type: number): string[] {
  const base = type & 0x7f;
  const end = off + size;
  const out: string[] = [];
  if (size === 0) return [''];
  switch (base) {
    case VT.STRING: {
      let p = off;
      while (p + 1 < end) {
        let q = p;
        while (q + 1 < end && (b[q] !== 0 || b[q + 1] !== 0)) q += 2;
        out.push(ucs2(b, p, q));
        p = q + 2;
      }
      return out;
    }
    case VT.ANSI_STRING: {
      let p = off;
      while (p < end) {
        let q = p;
        while (q < end && b[q] !== 0) q++;
        out.push(ansiText(b, p, q - p));
        p = q + 1;
      }
      return out;
    }
    case VT.SID: {
      let p = off;
      while (p < end) {
        const len = sidLength(b, p, end - p);
        out.push(sidText(b, p, len));
        p += Math.max(len, 1);
      }
      return out;
    }
    case VT.SIZE_T: {
      const item = size % 8 === 0 ? 8 : 4;
      for (let p = off; p + item <= end; p += item) out.push(item === 8 ? int64Text(u32(b, p), u32(b, p + 4), false) : `${u32(b, p)}`);
      return out;
    }
    default: {
      const item = FIXED_SIZE[base];
      if (item === undefined) throw new EvtxBinXmlError('unsupported array value type', type, off);
      if (size % item !== 0) throw sizeError(type, size, off);
      for (let p = off; p < end; p += item) out.push(fixedText(b, p, base));
      return out;
    }
  }
}
