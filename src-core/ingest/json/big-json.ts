/** Deepest nesting the JSON readers accept; deeper values are reported as bad records. */
export const MAX_JSON_DEPTH = 512;

/**
 * JSON.parse, except that integer literals beyond Number.MAX_SAFE_INTEGER come out as
 * exact bigints (event record ids, 64-bit flags, Elastic `long` fields). Node 20's
 * JSON.parse cannot show a reviver the source text, so such texts take a slower path.
 */
export function parseJson(text: string): unknown {
  if (!mayHoldBigInt(text)) return JSON.parse(text);
  return new ExactParser(text).parseAll();
}

/** Whether a character code is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * True when the text has a run of 16+ digits where a number token can start (beyond
 * 15 digits an integer may exceed 2^53). Any such run covers a position p with
 * p % 16 === 15, so only every 16th character is looked at. Hashes inside strings
 * are preceded by letters or '=' and do not count; a false positive only costs time.
 */
export function mayHoldBigInt(s: string): boolean {
  const n = s.length;
  for (let p = 15; p < n; p += 16) {
    if (!isDigit(s.charCodeAt(p))) continue;
    let a = p;
    while (a > 0 && isDigit(s.charCodeAt(a - 1))) a--;
    let b = p + 1;
    while (b < n && isDigit(s.charCodeAt(b))) b++;
    if (b - a < 16) continue;
    let before = a - 1;
    if (before >= 0 && s.charCodeAt(before) === 0x2d) before--;
    const c = before < 0 ? 0x20 : s.charCodeAt(before);
    if (c === 0x3a || c === 0x2c || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return true;
    // Resume at the first sampled position past this run, so long runs cost O(length).
    p = b + ((15 - (b % 16) + 16) % 16) - 16;
  }
  return false;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class ExactParser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parseAll(): unknown {
    this.skipWs();
    const v = this.value(0);
    this.skipWs();
    if (this.pos < this.s.length) this.fail();
    return v;
  }

  private fail(): never {
    if (this.pos >= this.s.length) throw new SyntaxError('Unexpected end of JSON input');
    throw new SyntaxError(`Unexpected token ${JSON.stringify(this.s[this.pos])} in JSON at position ${this.pos}`);
  }

  private skipWs(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  private value(depth: number): unknown {
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_JSON_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
      return c === 0x7b ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, v] of LITERALS) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail();
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.s.charCodeAt(this.pos) !== 0x22) this.fail();
      const key = this.string();
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail();
      this.pos++;
      this.skipWs();
      const v = this.value(depth);
      // An own "__proto__" property, as JSON.parse makes, not a prototype change.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail();
      }
      this.skipWs();
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipWs();
      const c = this.s.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail();
      }
      this.skipWs();
    }
  }

  private string(): string {
    const s = this.s;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        p += 2;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = p;
        this.fail();
      }
      p++;
    }
    this.pos = p + 1;
    // Escapes are rare in keys and values; JSON.parse decodes (and validates) them exactly.
    return escaped ? (JSON.parse(s.slice(start, p + 1)) as string) : s.slice(start + 1, p);
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (m === null) return this.fail();
    const token = m[0];
    this.pos += token.length;
    const n = Number(token);
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(token);
    return n;
  }
}

const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];
