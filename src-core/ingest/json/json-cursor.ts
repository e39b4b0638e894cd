import type { ChunkBuffer } from '../text/chunk-buffer.js';
import { MAX_JSON_DEPTH } from './big-json.js';

const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Bytes the structural scan must look at; everything else is skipped in a tight loop. */
const STRUCTURAL = new Uint8Array(256);
for (const c of [LF, QUOTE, LBRACE, RBRACE, LBRACKET, RBRACKET]) STRUCTURAL[c] = 1;

/** Bytes that end a bare token (number, literal, garbage). */
const TOKEN_END = new Uint8Array(256);
for (const c of ' \t\r\n,:[]{}"') TOKEN_END[c.charCodeAt(0)] = 1;

/**
 * A position in a UTF-8 JSON byte stream plus the line number there. It finds where
 * values end without building them, so a record's bytes can be sliced and parsed on
 * their own; memory is what `keep` asks to retain. Positions handed out are absolute
 * stream positions, which stay valid when the buffer moves.
 */
export class JsonCursor {
  pos = 0;
  line = 1;
  /** Absolute position from which bytes must stay buffered, or -1 for none. */
  keep = -1;
  /** Set when a retained span outgrew maxRetain and was let go. */
  retainLost = false;
  private readonly stack = new Uint8Array(MAX_JSON_DEPTH + 2);

  constructor(
    readonly chunks: ChunkBuffer,
    /** Retained spans longer than this are let go (`retainLost`). */
    public maxRetain: number,
  ) {}

  abs(): number {
    return this.chunks.base + this.pos;
  }

  /** Reads more bytes; false at the end of the stream. */
  more(): boolean {
    const cb = this.chunks;
    if (this.keep >= 0 && cb.base + this.pos - this.keep > this.maxRetain) {
      this.keep = -1;
      this.retainLost = true;
    }
    while (this.pos >= cb.end && !cb.eof) {
      this.pos -= cb.fill(this.keep >= 0 ? this.keep - cb.base : this.pos);
    }
    return this.pos < cb.end;
  }

  /** Skips whitespace (counting lines); returns the next byte, -1 at the end. */
  skipWs(): number {
    for (;;) {
      const cb = this.chunks;
      const buf = cb.buf;
      const end = cb.end;
      let pos = this.pos;
      while (pos < end) {
        const c = buf[pos] as number;
        if (c === LF) this.line++;
        else if (c !== 0x20 && c !== 0x0d && c !== 0x09) {
          this.pos = pos;
          return c;
        }
        pos++;
      }
      this.pos = pos;
      if (!this.more()) return -1;
    }
  }

  /** The first non-whitespace byte after skipping `skip` bytes, without moving. */
  peekAfterWs(skip = 0): number {
    const at = this.abs();
    const line = this.line;
    const keep = this.keep;
    if (keep < 0 || keep > at) this.keep = at;
    this.pos += skip;
    const c = this.skipWs();
    this.pos = at - this.chunks.base;
    this.line = line;
    this.keep = keep;
    return c;
  }

  /** The next byte without moving, -1 at the end. */
  peek(): number {
    if (this.pos >= this.chunks.end && !this.more()) return -1;
    return this.chunks.buf[this.pos] as number;
  }

  fileOffset(abs: number): number {
    return this.chunks.fileOffset(abs - this.chunks.base);
  }

  /** Decoded text of retained bytes [from, to) (absolute positions). */
  text(from: number, to: number): string {
    const base = this.chunks.base;
    return this.chunks.buf.toString('utf8', from - base, to - base);
  }

  /**
   * Moves past one value starting at the current (non-whitespace) byte. Returns null,
   * or what is wrong with it; after an error the scan still ends where the value's
   * brackets balance, so the next value can be read.
   */
  skipValue(maxDepth: number = MAX_JSON_DEPTH): string | null {
    const first = this.peek();
    if (first === QUOTE) {
      this.pos++;
      return this.skipStringBody();
    }
    if (first !== LBRACE && first !== LBRACKET) return this.skipToken();
    return this.skipStructure(maxDepth);
  }

  /** After the opening quote; stops after the closing one. */
  skipStringBody(): string | null {
    let escaped = false;
    for (;;) {
      const buf = this.chunks.buf;
      const end = this.chunks.end;
      let pos = this.pos;
      while (pos < end) {
        const c = buf[pos++] as number;
        if (escaped) {
          escaped = false;
          if (c !== LF) continue;
        } else if (c === QUOTE) {
          this.pos = pos;
          return null;
        } else if (c === BACKSLASH) {
          escaped = true;
          continue;
        }
        if (c === LF) {
          // JSON strings cannot hold a raw newline: this one was never closed.
          // Ending it here keeps the rest of the document in step.
          this.line++;
          this.pos = pos;
          return 'unterminated string';
        }
      }
      this.pos = pos;
      if (!this.more()) return 'truncated';
    }
  }

  /** Reads a string (for object keys); null value when it is malformed. */
  readString(): { value: string | null; error: string | null } {
    const start = this.abs();
    const keep = this.keep;
    if (keep < 0) this.keep = start;
    this.pos++;
    const error = this.skipStringBody();
    let value: string | null = null;
    if (error === null) {
      const raw = this.text(start + 1, this.abs() - 1);
      if (!raw.includes('\\')) value = raw;
      else {
        try {
          value = JSON.parse(this.text(start, this.abs())) as string;
        } catch {
          value = null;
        }
      }
    }
    this.keep = keep;
    return { value, error: error ?? (value === null ? 'invalid string' : null) };
  }

  private skipToken(): string | null {
    let len = 0;
    for (;;) {
      const buf = this.chunks.buf;
      const end = this.chunks.end;
      let pos = this.pos;
      while (pos < end && TOKEN_END[buf[pos] as number] === 0) pos++;
      len += pos - this.pos;
      this.pos = pos;
      if (pos < end) break;
      if (!this.more()) break;
    }
    // A stray separator or closer is a token of its own, so the reader always advances.
    if (len === 0) this.pos++;
    return null;
  }

  private skipStructure(maxDepth: number): string | null {
    const stack = this.stack;
    let error: string | null = null;
    let depth = 0;
    let inString = false;
    let escaped = false;
    const startLine = this.line;
    for (;;) {
      const view = this.chunks.view;
      const end = this.chunks.end;
      let pos = this.pos;
      // Next LF in this buffer (-1: none): a string running past it was never closed.
      let nextLf = -2;
      while (pos < end) {
        if (inString) {
          if (escaped) {
            escaped = false;
            if (view[pos] !== LF) {
              pos++;
              continue;
            }
          }
          if (nextLf !== -1 && nextLf < pos) nextLf = view.indexOf(LF, pos);
          // Native search: strings are most of the bytes of a record.
          const q = view.indexOf(QUOTE, pos);
          if (nextLf >= 0 && (q < 0 || nextLf < q)) {
            pos = nextLf + 1;
            // In a value written on one line the rest of that line, closers included,
            // went into the string: the value ends here. A multi-line value goes on,
            // its closers are on later lines.
            if (this.line++ === startLine) {
              this.pos = pos;
              return 'unterminated string';
            }
            inString = false;
            error ??= 'unterminated string';
            continue;
          }
          if (q < 0) {
            escaped = oddBackslashesBefore(view, end, pos);
            pos = end;
            break;
          }
          inString = oddBackslashesBefore(view, q, pos);
          pos = q + 1;
          continue;
        }
        let c = view[pos] as number;
        while (STRUCTURAL[c] === 0 && ++pos < end) c = view[pos] as number;
        if (pos >= end) break;
        pos++;
        if (c === QUOTE) {
          inString = true;
        } else if (c === LF) {
          this.line++;
        } else if (c === LBRACE || c === LBRACKET) {
          depth++;
          if (depth <= maxDepth) stack[depth] = c;
          else error ??= `nested deeper than ${MAX_JSON_DEPTH}`;
        } else {
          const opener = c === RBRACE ? LBRACE : LBRACKET;
          if (depth <= maxDepth && stack[depth] !== opener) error ??= `mismatched '${String.fromCharCode(c)}'`;
          depth--;
          if (depth === 0) {
            this.pos = pos;
            return error;
          }
        }
      }
      this.pos = pos;
      if (!this.more()) return 'truncated';
    }
  }
}

/** Whether the bytes just before `at`, back to `from`, are an odd run of backslashes. */
function oddBackslashesBefore(buf: Uint8Array, at: number, from: number): boolean {
  let i = at - 1;
  while (i >= from && buf[i] === BACKSLASH) i--;
  return ((at - 1 - i) & 1) === 1;
}
