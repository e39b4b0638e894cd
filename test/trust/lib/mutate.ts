// Mutations of clean inputs, as damaged or hostile triage files present them: byte
// flips, truncation, hostile tokens, wrong encodings, zeroed headers, EVTX chunk damage.
// A mutation either touches one record (the others must import exactly as before), cuts
// the file (records before the cut must be intact), re-encodes the text without changing
// it (everything must import exactly as before), or damages the file as a whole (only
// the general invariants hold).
import fc from 'fast-check';
import type { EvtxInput, Span, TextInput } from './inputs.js';

/** Bytes a damaged or hostile record may hold. */
export const TOKENS: readonly Buffer[] = [
  '"', '""', ',', ';', '\t', '\n', '\r\n', '\r', '{', '}', '[', ']', '\\', '\\u', '\\ud800', '":', '\u0000', 'null', '1e999',
  '-0', '9007199254740993', '__proto__', '{"__proto__":{"polluted":1}}', '=cmd|\' /C calc\'!A0', '\u001b[2J', '\u202e', ']]]]}}}}',
  '[[[[{{{{', '"\n"', ',,,,,,', '\uFEFF',
].map((t) => Buffer.from(t, 'utf8')).concat([
  Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
]);

export type RecordMutation =
  | { kind: 'flip'; at: number; xor: number; count: number }
  | { kind: 'token'; at: number; token: number; replace: number }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'latin1' }
  | { kind: 'nul'; at: number; count: number };

export type TextMutation =
  | { scope: 'record'; record: number; m: RecordMutation }
  | { scope: 'truncate'; at: number }
  | { scope: 'encode'; to: 'utf-8-bom' | 'utf-16le-bom' | 'utf-16be-bom' | 'utf-16le' | 'utf-16be' }
  | { scope: 'whole'; how: 'utf16-bom-on-utf8' | 'latin1-all' | 'zero-head' | 'flips-anywhere' | 'odd-utf16'; n: number };

const recordMutation: fc.Arbitrary<RecordMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }), count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('token' as const), at: fc.nat(), token: fc.nat(TOKENS.length - 1), replace: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'latin1' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nul' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }) },
);

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ scope: fc.constant('record' as const), record: fc.nat(), m: recordMutation }) },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('encode' as const), to: fc.constantFrom('utf-8-bom' as const, 'utf-16le-bom' as const, 'utf-16be-bom' as const, 'utf-16le' as const, 'utf-16be' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      scope: fc.constant('whole' as const),
      how: fc.constantFrom('utf16-bom-on-utf8' as const, 'latin1-all' as const, 'zero-head' as const, 'flips-anywhere' as const, 'odd-utf16' as const),
      n: fc.nat(),
    }),
  },
);

export interface Mutated {
  bytes: Buffer;
  /** What the invariant checker may expect. */
  expect:
    | { kind: 'record'; index: number; lineDelta: number; mutatedLines: number }
    | { kind: 'truncated'; /** Records wholly before the cut; the one cut (if any) is exempt, later ones are gone. */ intact: number; cut: number | null }
    | { kind: 'same' }
    | { kind: 'any' };
  label: string;
}

function count(b: Buffer, byte: number): number {
  let n = 0;
  for (let i = b.indexOf(byte); i >= 0; i = b.indexOf(byte, i + 1)) n++;
  return n;
}

/** Mutates one record's bytes. */
export function mutateRecord(bytes: Buffer, m: RecordMutation): Buffer {
  const n = bytes.length;
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      for (let k = 0; k < m.count && n > 0; k++) {
        const i = (m.at + k * 7919) % n;
        out[i] = (out[i]! ^ ((m.xor + k * 31) & 0xff || 1)) & 0xff;
      }
      return out;
    }
    case 'token': {
      const tok = TOKENS[m.token % TOKENS.length]!;
      const i = n === 0 ? 0 : m.at % (n + 1);
      const cut = Math.min(n, i + (m.replace === 0 ? tok.length : 0));
      return Buffer.concat([bytes.subarray(0, i), tok, bytes.subarray(cut)]);
    }
    case 'delete': {
      const i = n === 0 ? 0 : m.at % n;
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(Math.min(n, i + m.len))]);
    }
    case 'latin1': {
      // The record's text saved as Latin-1 (characters beyond U+00FF as '?'): invalid UTF-8 where it was not ASCII.
      const text = bytes.toString('utf8');
      return Buffer.from(text.replace(/[^\u0000-\u00ff]/gu, '?'), 'latin1');
    }
    case 'nul': {
      const i = n === 0 ? 0 : m.at % (n + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.alloc(m.count), bytes.subarray(i)]);
    }
  }
}

function describeRecord(m: RecordMutation): string {
  switch (m.kind) {
    case 'flip': return `flip ${m.count} byte(s) at ${m.at} ^${m.xor}`;
    case 'token': return `${m.replace === 0 ? 'overwrite' : 'insert'} ${JSON.stringify(TOKENS[m.token % TOKENS.length]!.toString('latin1'))} at ${m.at}`;
    case 'delete': return `delete ${m.len} byte(s) at ${m.at}`;
    case 'latin1': return 'record re-encoded as Latin-1';
    case 'nul': return `${m.count} NUL byte(s) at ${m.at}`;
  }
}

/** The file after `m`, and what may be expected of its import. */
export function applyText(input: TextInput, m: TextMutation): Mutated {
  const src = input.bytes;
  switch (m.scope) {
    case 'record': {
      const index = m.record % input.records.length;
      const span = input.records[index]!;
      const before = src.subarray(span.start, span.end);
      const after = mutateRecord(before, m.m);
      const bytes = Buffer.concat([src.subarray(0, span.start), after, src.subarray(span.end)]);
      const lineDelta = count(after, 10) - count(before, 10);
      return {
        bytes, expect: { kind: 'record', index, lineDelta, mutatedLines: span.lines + lineDelta },
        label: `record ${index + 1} (line ${span.line}): ${describeRecord(m.m)}`,
      };
    }
    case 'truncate': {
      const at = m.at % (src.length + 1);
      const bytes = src.subarray(0, at);
      if (at < input.headerEnd) return { bytes, expect: { kind: 'any' }, label: `truncated at ${at} (inside the header)` };
      const intact = input.records.filter((s) => s.end <= at).length;
      const cutSpan: Span | undefined = input.records[intact];
      const cut = cutSpan !== undefined && cutSpan.start < at ? intact : null;
      return { bytes, expect: { kind: 'truncated', intact, cut }, label: `truncated at byte ${at} of ${src.length}` };
    }
    case 'encode': {
      const text = src.toString('utf8').replace(/^\uFEFF/, '');
      const le = Buffer.from(text, 'utf16le');
      const be = Buffer.from(le).swap16();
      const bytes =
        m.to === 'utf-8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) :
        m.to === 'utf-16le-bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) :
        m.to === 'utf-16be-bom' ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) :
        m.to === 'utf-16le' ? le : be;
      return { bytes, expect: { kind: 'same' }, label: `re-encoded as ${m.to}` };
    }
    case 'whole': {
      switch (m.how) {
        case 'utf16-bom-on-utf8':
          return { bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), src]), expect: { kind: 'any' }, label: 'a UTF-16LE BOM on UTF-8 bytes' };
        case 'latin1-all':
          return { bytes: Buffer.from(src.toString('utf8').replace(/[^\u0000-\u00ff]/gu, '?'), 'latin1'), expect: { kind: 'any' }, label: 'the whole file as Latin-1' };
        case 'zero-head': {
          const len = 1 + (m.n % Math.max(1, input.headerEnd + 16));
          const bytes = Buffer.from(src);
          bytes.fill(0, 0, Math.min(len, bytes.length));
          return { bytes, expect: { kind: 'any' }, label: `first ${len} byte(s) zeroed` };
        }
        case 'flips-anywhere': {
          const bytes = Buffer.from(src);
          let s = m.n + 1;
          for (let k = 0; k < 1 + (m.n % 24); k++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            const i = s % bytes.length;
            bytes[i] = bytes[i]! ^ (1 + (s >>> 24) % 255);
          }
          return { bytes, expect: { kind: 'any' }, label: `${1 + (m.n % 24)} byte(s) flipped anywhere (seed ${m.n})` };
        }
        case 'odd-utf16': {
          // UTF-16 with a BOM, then an odd byte and unpaired surrogates spliced in.
          const text = src.toString('utf8').replace(/^\uFEFF/, '');
          const le = Buffer.from(text, 'utf16le');
          const at = (m.n * 2) % Math.max(2, le.length);
          const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), le.subarray(0, at), Buffer.from([0x00, 0xd8, 0x41, 0x00, 0x00, 0xdc]), le.subarray(at), Buffer.from([0x41])]);
          return { bytes, expect: { kind: 'any' }, label: `UTF-16 with unpaired surrogates at ${at} and an odd final byte` };
        }
      }
    }
  }
}

export function describeText(m: TextMutation): string {
  return m.scope === 'record' ? `record ${m.record}: ${describeRecord(m.m)}` : JSON.stringify(m);
}

// ---------------------------------------------------------------------------------
// EVTX

export const HEADER = 4096;
export const CHUNK = 65_536;

export type EvtxMutation =
  | { scope: 'chunk'; chunk: number; how: 'flips'; at: number; count: number; xor: number }
  | { scope: 'chunk'; chunk: number; how: 'zero-header' }
  | { scope: 'chunk'; chunk: number; how: 'zero-range'; at: number; len: number }
  | { scope: 'chunk'; chunk: number; how: 'garbage'; seed: number }
  | { scope: 'file-header'; how: 'zero' | 'flips'; at: number; xor: number }
  | { scope: 'truncate'; at: number }
  | { scope: 'garbage-tail'; seed: number };

export const evtxMutation: fc.Arbitrary<EvtxMutation> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ scope: fc.constant('chunk' as const), chunk: fc.nat(), how: fc.constant('flips' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }), xor: fc.integer({ min: 1, max: 255 }) }),
  },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('chunk' as const), chunk: fc.nat(), how: fc.constant('zero-header' as const) }) },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('chunk' as const), chunk: fc.nat(), how: fc.constant('zero-range' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4096 }) }) },
  { weight: 1, arbitrary: fc.record({ scope: fc.constant('chunk' as const), chunk: fc.nat(), how: fc.constant('garbage' as const), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('file-header' as const), how: fc.constantFrom('zero' as const, 'flips' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ scope: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ scope: fc.constant('garbage-tail' as const), seed: fc.nat() }) },
);

export interface EvtxMutated {
  bytes: Buffer;
  expect:
    | { kind: 'chunk'; chunk: number }
    /** Records of chunks before `chunk` intact, `chunk` exempt, later ones gone. */
    | { kind: 'truncated'; chunk: number }
    | { kind: 'same' };
  label: string;
}

function lcgFill(buf: Buffer, from: number, to: number, seed: number): void {
  let s = seed >>> 0;
  for (let i = from; i < to; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = s >>> 24;
  }
}

export function applyEvtx(input: EvtxInput, m: EvtxMutation): EvtxMutated {
  const src = input.bytes;
  const chunks = Math.max(1, Math.floor((src.length - HEADER + CHUNK - 1) / CHUNK));
  switch (m.scope) {
    case 'chunk': {
      const k = m.chunk % chunks;
      const base = HEADER + k * CHUNK;
      const end = Math.min(src.length, base + CHUNK);
      const bytes = Buffer.from(src);
      let label: string;
      switch (m.how) {
        case 'flips':
          for (let j = 0; j < m.count; j++) {
            const i = base + ((m.at + j * 4099) % (end - base));
            bytes[i] = bytes[i]! ^ ((m.xor + j * 37) & 0xff || 1);
          }
          label = `chunk ${k}: ${m.count} byte(s) flipped from offset ${m.at % (end - base)}`;
          break;
        case 'zero-header':
          bytes.fill(0, base, Math.min(end, base + 512));
          label = `chunk ${k}: header zeroed`;
          break;
        case 'zero-range': {
          const at = base + (m.at % (end - base));
          bytes.fill(0, at, Math.min(end, at + m.len));
          label = `chunk ${k}: ${m.len} bytes zeroed at offset ${at - base}`;
          break;
        }
        case 'garbage':
          lcgFill(bytes, base, end, m.seed);
          label = `chunk ${k}: overwritten with random bytes (seed ${m.seed})`;
          break;
      }
      return { bytes, expect: { kind: 'chunk', chunk: k }, label };
    }
    case 'file-header': {
      const bytes = Buffer.from(src);
      if (m.how === 'zero') {
        bytes.fill(0, 0, HEADER);
        return { bytes, expect: { kind: 'same' }, label: 'file header zeroed' };
      }
      const i = m.at % 128;
      bytes[i] = bytes[i]! ^ m.xor;
      return { bytes, expect: { kind: 'same' }, label: `file header byte ${i} ^${m.xor}` };
    }
    case 'truncate': {
      const at = m.at % (src.length + 1);
      return { bytes: src.subarray(0, at), expect: { kind: 'truncated', chunk: Math.floor((at - HEADER) / CHUNK) }, label: `truncated at byte ${at} of ${src.length}` };
    }
    case 'garbage-tail': {
      const tail = Buffer.alloc(1 + (m.seed % 70_000));
      lcgFill(tail, 0, tail.length, m.seed);
      return { bytes: Buffer.concat([src, tail]), expect: { kind: 'chunk', chunk: chunks }, label: `${tail.length} random bytes appended` };
    }
  }
}
