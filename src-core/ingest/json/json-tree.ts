// One JSON text scanned once into a flat tree of spans (decision 83): what the JSON lines
// importer reads instead of JSON.parse's objects. From the tree it takes
// - the values the mappers ask for, each built only when asked (tree-doc.ts), and
// - the record's canonical JSON (spec 7.13's content key, decision 54), written from the
//   text: a subtree that is canonical as it stands (keys in order, no whitespace, nothing
//   to rewrite) is one slice of it.
//
// The scan accepts exactly what JSON.parse accepts (RFC 8259: the string, number and
// literal grammar, no control character in a string, only JSON whitespace) or gives up
// (false); the caller then takes JSON.parse, which decides whether the record is bad. So a
// give-up is always safe, and the scan also gives up where it cannot reproduce the value
// path exactly:
// - a key with an escape (keys are compared as they are written, in UTF-16 code units);
// - a surrogate, escaped (`\ud83d`) or a lone one in the text (decoded UTF-8 holds none);
// - nesting deeper than MAX_JSON_DEPTH (the scan recurses).
// What it writes equals canonicalJson(parseJson(text)) (canonical.ts): `\/` and `\uXXXX`
// are decoded and written as JSON.stringify writes the character; numbers with a fraction
// or an exponent as String(Number(text)), integers as written (below 2^53 String(n) gives
// the digits back, beyond it parseJson keeps a bigint, written as its digits), -0 as 0;
// of duplicate keys the last wins, as in JSON.parse.
import { isDigit, MAX_JSON_DEPTH, parseJson } from './big-json.js';

const FAIL = -1;

/** Node kinds. */
export const STR = 1; // a string written as it is
export const STR_ESC = 2; // a string with escapes to rewrite (`\/`, `\uXXXX`)
export const NUM = 3; // an integer written as it is
export const NUM_TEXT = 4; // a number rewritten as String(Number(text))
export const LIT = 5; // true, false, null
export const ARR = 6;
export const OBJ = 7;

/**
 * Per node: kind, span start, span end, first kid (strings: 1 when they hold a backslash),
 * kid count, clean (canonical as written).
 */
const W = 6;
/** What JSON.parse refuses in a string, and a lone surrogate, which canonicalJson writes escaped. */
const CONTROL = /[\u0000-\u001f\p{Cs}]/gu;

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(2 * a.length, need));
  b.set(a);
  return b;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** A record's scan: valid while it is its tree's latest (JsonTree.check). */
export interface TreeRef {
  tree: JsonTree;
  generation: number;
}

/** Scans JSON texts one at a time, reusing its buffers: one per reader. */
export class JsonTree {
  /** The root node of the latest successful scan; -1 after a give-up. */
  root = -1;
  /** Counts scans: a TreeRef from an earlier one is stale. */
  generation = 0;
  private text = '';
  private end = 0;
  private nodes = new Int32Array(W * 256);
  private nodeCount = 0;
  /** Kids of closed containers: array elements [node], object members [keyStart, keyEnd, node]. */
  private kids = new Int32Array(3 * 256);
  private kidCount = 0;
  /** Kids of the containers still open. */
  private stack = new Int32Array(3 * 256);
  private top = 0;
  /** The next backslash at or after the scan position (end when none): most strings have none. */
  private nextEscape = 0;
  /** The next control character or lone surrogate at or after the scan position (end when none). */
  private nextControl = 0;
  /** Whether the string scanned last holds a backslash. */
  private escaped = false;
  /** Whitespace between tokens skipped so far: a container that saw none added is compact. */
  private spaces = 0;
  /** Containers open: the scan recurses, so it gives up past MAX_JSON_DEPTH as the readers do. */
  private depth = 0;

  /** Scans `source`; false when it gives up (see the file's head). */
  scan(source: string): boolean {
    this.generation++;
    // A huge record must not keep its buffers for the rest of the file; dropped only now,
    // when nothing refers to the last record's nodes any more.
    if (this.nodes.length > 1 << 20) this.nodes = new Int32Array(W * 256);
    if (this.kids.length > 1 << 20) this.kids = new Int32Array(3 * 256);
    if (this.stack.length > 1 << 20) this.stack = new Int32Array(3 * 256);
    this.depth = 0;
    this.text = source;
    this.end = source.length;
    this.nodeCount = 0;
    this.kidCount = 0;
    this.top = 0;
    this.spaces = 0;
    const e = source.indexOf('\\');
    this.nextEscape = e < 0 ? this.end : e;
    this.nextControl = this.findControl(0);
    let p = this.scanValue(this.ws(0), -1);
    if (p !== FAIL) p = this.ws(p);
    this.root = p === this.end ? this.nodeCount - 1 : -1;
    if (this.root < 0) this.text = '';
    return this.root >= 0;
  }

  /** A reference to the latest scan, for a record handed on. */
  ref(): TreeRef {
    return { tree: this, generation: this.generation };
  }

  /** Throws when `ref` is from an earlier scan: its text and nodes are gone. */
  check(ref: TreeRef): void {
    if (ref.generation !== this.generation || this.root < 0) throw new Error('JSON tree read after its reader moved on');
  }

  kind(n: number): number {
    return this.nodes[W * n]!;
  }

  /** The node of the member named `key` of object `obj` (of duplicates the last, as JSON.parse keeps); -1 when absent. */
  member(obj: number, key: string): number {
    const i = W * obj;
    const first = this.nodes[i + 3]!;
    const kids = this.kids;
    const t = this.text;
    const len = key.length;
    for (let m = first + 3 * (this.nodes[i + 4]! - 1); m >= first; m -= 3) {
      const ks = kids[m]!;
      if (kids[m + 1]! - ks !== len) continue;
      let c = 0;
      while (c < len && t.charCodeAt(ks + c) === key.charCodeAt(c)) c++;
      if (c === len) return kids[m + 2]!;
    }
    return -1;
  }

  /** Whether a key of object `obj` starts with `prefix`. */
  hasKeyStarting(obj: number, prefix: string): boolean {
    const i = W * obj;
    const first = this.nodes[i + 3]!;
    const stop = first + 3 * this.nodes[i + 4]!;
    for (let m = first; m < stop; m += 3) {
      const ks = this.kids[m]!;
      if (this.kids[m + 1]! - ks >= prefix.length && this.text.startsWith(prefix, ks)) return true;
    }
    return false;
  }

  /** Node `n` as parseJson would give it (big integers as bigint). */
  value(n: number): unknown {
    const i = W * n;
    const kind = this.nodes[i]!;
    const a = this.nodes[i + 1]!;
    const b = this.nodes[i + 2]!;
    const t = this.text;
    switch (kind) {
      case STR:
      case STR_ESC:
        return this.nodes[i + 3] === 1 ? (JSON.parse(t.slice(a, b)) as string) : t.slice(a + 1, b - 1);
      case NUM:
      case NUM_TEXT: {
        const s = t.slice(a, b);
        // 16 digits or more may exceed 2^53: parseJson's rule decides number or bigint.
        return kind === NUM && b - a >= 16 ? parseJson(s) : Number(s);
      }
      case LIT: {
        const c = t.charCodeAt(a);
        return c === 0x74 ? true : c === 0x66 ? false : null;
      }
      case ARR: {
        const first = this.nodes[i + 3]!;
        const out = new Array<unknown>(this.nodes[i + 4]!);
        for (let k = 0; k < out.length; k++) out[k] = this.value(this.kids[first + k]!);
        return out;
      }
      default:
        return parseJson(t.slice(a, b));
    }
  }

  /** The latest scan's canonical JSON (spec 7.13). */
  canonical(): string {
    if (this.root < 0) throw new Error('no JSON scanned');
    return this.write(this.root);
  }

  private findControl(from: number): number {
    CONTROL.lastIndex = from;
    const m = CONTROL.exec(this.text);
    return m === null ? this.end : m.index;
  }

  private node(kind: number, start: number, stop: number, first: number, count: number, clean: boolean): number {
    const n = this.nodeCount++;
    if (W * this.nodeCount > this.nodes.length) this.nodes = grow(this.nodes, W * this.nodeCount);
    const nodes = this.nodes;
    const i = W * n;
    nodes[i] = kind;
    nodes[i + 1] = start;
    nodes[i + 2] = stop;
    nodes[i + 3] = first;
    nodes[i + 4] = count;
    nodes[i + 5] = clean ? 1 : 0;
    return n;
  }

  private push(v: number): void {
    if (this.top >= this.stack.length) this.stack = grow(this.stack, this.top + 1);
    this.stack[this.top++] = v;
  }

  /** Moves an open container's kids (from `frame` up) to `kids`; the first one's index. */
  private close(frame: number): number {
    const n = this.top - frame;
    if (this.kidCount + n > this.kids.length) this.kids = grow(this.kids, this.kidCount + n);
    const first = this.kidCount;
    for (let i = 0; i < n; i++) this.kids[first + i] = this.stack[frame + i]!;
    this.kidCount += n;
    this.top = frame;
    return first;
  }

  private ws(p: number): number {
    const t = this.text, e = this.end;
    const from = p;
    while (p < e) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.spaces += p - from;
    return p;
  }

  /** Whether a backslash lies in [p, q); moves nextEscape up to p first. */
  private escapeWithin(p: number, q: number): boolean {
    if (this.nextEscape < p) {
      const e = this.text.indexOf('\\', p);
      this.nextEscape = e < 0 ? this.end : e;
    }
    return this.nextEscape < q;
  }

  /** Whether a control character or a lone surrogate lies in [p, q); moves nextControl up to p first. */
  private controlWithin(p: number, q: number): boolean {
    if (this.nextControl < p) this.nextControl = this.findControl(p);
    return this.nextControl < q;
  }

  /**
   * The string opening at p: past its closing quote, negated as -(end + 2) when it holds
   * escapes to rewrite (`\/`, `\uXXXX`); FAIL where JSON.parse would fail, and for an
   * escaped surrogate. Sets `escaped`.
   */
  private stringEnd(p: number): number {
    const t = this.text;
    let q = t.indexOf('"', p + 1);
    if (q < 0) return FAIL;
    if (!this.escapeWithin(p, q)) {
      this.escaped = false;
      return this.controlWithin(p, q) ? FAIL : q + 1;
    }
    let rewrite = false;
    let i = this.nextEscape;
    while (i < q) {
      const x = t.charCodeAt(i + 1);
      if (x === 0x75) {
        const u = (hexDigit(t.charCodeAt(i + 2)) << 12) | (hexDigit(t.charCodeAt(i + 3)) << 8) | (hexDigit(t.charCodeAt(i + 4)) << 4) | hexDigit(t.charCodeAt(i + 5));
        if (u < 0 || (u >= 0xd800 && u <= 0xdfff)) return FAIL;
        rewrite = true;
      } else if (x === 0x2f) {
        rewrite = true;
      } else if (x !== 0x22 && x !== 0x5c && x !== 0x62 && x !== 0x66 && x !== 0x6e && x !== 0x72 && x !== 0x74) {
        return FAIL;
      }
      if (i + 1 === q) {
        // That quote was escaped: the string goes on.
        q = t.indexOf('"', q + 1);
        if (q < 0) return FAIL;
      }
      const next = t.indexOf('\\', i + 2);
      i = next < 0 ? this.end : next;
    }
    this.nextEscape = i;
    this.escaped = true;
    if (this.controlWithin(p, q)) return FAIL;
    return rewrite ? -(q + 1) - 2 : q + 1;
  }

  private keyLess(as: number, ae: number, bs: number, be: number): number {
    const t = this.text;
    const n = Math.min(ae - as, be - bs);
    for (let i = 0; i < n; i++) {
      const d = t.charCodeAt(as + i) - t.charCodeAt(bs + i);
      if (d !== 0) return d;
    }
    return ae - as - (be - bs);
  }

  /** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?, as JSON.parse reads numbers. */
  private scanNumber(p: number): number {
    const t = this.text;
    const start = p;
    let c = t.charCodeAt(p);
    if (c === 0x2d) c = t.charCodeAt(++p);
    if (c === 0x30) p++;
    else if (c >= 0x31 && c <= 0x39) while (isDigit(t.charCodeAt(++p)));
    else return FAIL;
    let plain = true;
    if (t.charCodeAt(p) === 0x2e) {
      if (!isDigit(t.charCodeAt(++p))) return FAIL;
      while (isDigit(t.charCodeAt(++p)));
      plain = false;
    }
    c = t.charCodeAt(p);
    if (c === 0x65 || c === 0x45) {
      c = t.charCodeAt(++p);
      if (c === 0x2b || c === 0x2d) c = t.charCodeAt(++p);
      if (!isDigit(c)) return FAIL;
      while (isDigit(t.charCodeAt(++p)));
      plain = false;
    }
    const minusZero = p - start === 2 && t.charCodeAt(start) === 0x2d && t.charCodeAt(start + 1) === 0x30;
    const clean = plain && !minusZero;
    this.node(clean ? NUM : NUM_TEXT, start, p, 0, 0, clean);
    return p;
  }

  private scanLiteral(p: number, word: string): number {
    if (!this.text.startsWith(word, p)) return FAIL;
    this.node(LIT, p, p + word.length, 0, 0, true);
    return p + word.length;
  }

  /**
   * An object or an array (`closer` `}` or `]`): its kids on the stack from `frame`, then
   * its node. Canonical as written when every kid is, the keys are in strictly ascending
   * order, and no whitespace was skipped inside.
   */
  private scanContainer(p: number, closer: number): number {
    const t = this.text;
    const start = p;
    const frame = this.top;
    const spacesBefore = this.spaces;
    const isObject = closer === 0x7d;
    let clean = true;
    if (++this.depth > MAX_JSON_DEPTH) return FAIL;
    p = this.ws(p + 1);
    if (t.charCodeAt(p) !== closer) {
      for (;;) {
        let slot = this.top;
        if (isObject) {
          if (t.charCodeAt(p) !== 0x22) return FAIL;
          const k = t.indexOf('"', p + 1);
          // A key with an escape compares as its decoded text: the value path.
          if (k < 0 || this.escapeWithin(p, k) || this.controlWithin(p, k)) return FAIL;
          const stack = this.stack;
          if (clean && this.top > frame && this.keyLess(stack[this.top - 3]!, stack[this.top - 2]!, p + 1, k) >= 0) clean = false;
          this.push(p + 1);
          this.push(k);
          slot = this.top;
          p = this.ws(k + 1);
          if (t.charCodeAt(p) !== 0x3a) return FAIL;
          p = this.ws(p + 1);
        }
        this.push(0);
        p = this.scanValue(p, slot);
        if (p === FAIL) return FAIL;
        if (this.nodes[W * this.stack[slot]! + 5] !== 1) clean = false;
        p = this.ws(p);
        if (t.charCodeAt(p) !== 0x2c) break;
        p = this.ws(p + 1);
      }
      if (t.charCodeAt(p) !== closer) return FAIL;
    }
    this.depth--;
    const count = isObject ? (this.top - frame) / 3 : this.top - frame;
    this.node(isObject ? OBJ : ARR, start, p + 1, this.close(frame), count, clean && this.spaces === spacesBefore);
    return p + 1;
  }

  /** Scans one value; its node's index goes to stack[slot] (slot < 0: the root). */
  private scanValue(p: number, slot: number): number {
    const c = this.text.charCodeAt(p);
    let q: number;
    if (c === 0x22) {
      const e = this.stringEnd(p);
      if (e === FAIL) return FAIL;
      const esc = this.escaped ? 1 : 0;
      if (e < 0) {
        q = -(e + 2);
        this.node(STR_ESC, p, q, esc, 0, false);
      } else {
        q = e;
        this.node(STR, p, q, esc, 0, true);
      }
    } else if (c === 0x7b) {
      q = this.scanContainer(p, 0x7d);
    } else if (c === 0x5b) {
      q = this.scanContainer(p, 0x5d);
    } else if (c === 0x74) {
      q = this.scanLiteral(p, 'true');
    } else if (c === 0x66) {
      q = this.scanLiteral(p, 'false');
    } else if (c === 0x6e) {
      q = this.scanLiteral(p, 'null');
    } else if (c === 0x2d || isDigit(c)) {
      q = this.scanNumber(p);
    } else {
      return FAIL;
    }
    // A container's node is pushed after its kids': the value's node is the last one.
    if (q !== FAIL && slot >= 0) this.stack[slot] = this.nodeCount - 1;
    return q;
  }

  /** A string with `\/` or `\uXXXX`, those decoded and written as JSON.stringify writes them. */
  private escapedText(from: number, to: number): string {
    const t = this.text;
    let out = '';
    let copied = from;
    for (let i = t.indexOf('\\', from); i >= 0 && i < to - 1; ) {
      const x = t.charCodeAt(i + 1);
      if (x !== 0x2f && x !== 0x75) {
        i = t.indexOf('\\', i + 2);
        continue;
      }
      out += t.slice(copied, i);
      if (x === 0x2f) {
        out += '/';
        copied = i + 2;
      } else {
        const ch = String.fromCharCode(parseInt(t.slice(i + 2, i + 6), 16));
        // JSON.stringify's form of the one character (quotes, backslash, control characters).
        out += JSON.stringify(ch).slice(1, -1);
        copied = i + 6;
      }
      i = t.indexOf('\\', copied);
    }
    return out + t.slice(copied, to);
  }

  private write(n: number): string {
    const nodes = this.nodes;
    const i = W * n;
    const kind = nodes[i]!;
    const a = nodes[i + 1]!;
    const b = nodes[i + 2]!;
    if (nodes[i + 5] === 1) return this.text.slice(a, b);
    const first = nodes[i + 3]!;
    const count = nodes[i + 4]!;
    switch (kind) {
      case STR_ESC:
        return this.escapedText(a, b);
      case NUM_TEXT: {
        const v = Number(this.text.slice(a, b));
        return Number.isFinite(v) ? String(v) : 'null';
      }
      case ARR: {
        let out = '[';
        for (let k = 0; k < count; k++) out += (k > 0 ? ',' : '') + this.write(this.kids[first + k]!);
        return out + ']';
      }
      default:
        return this.writeObject(first, count);
    }
  }

  private writeObject(first: number, count: number): string {
    const kids = this.kids;
    // Equal keys keep their source order, so the last of a run is the one JSON.parse kept:
    // a stable sort. Insertion sort for the small, nearly sorted objects of records (cheaper
    // than sort() with a comparator); sort() beyond, where n² would tell.
    let order: Int32Array | number[];
    if (count <= 32) {
      order = new Int32Array(count);
      for (let k = 0; k < count; k++) {
        const m = first + 3 * k;
        let j = k;
        while (j > 0 && this.keyLess(kids[order[j - 1]!]!, kids[order[j - 1]! + 1]!, kids[m]!, kids[m + 1]!) > 0) {
          order[j] = order[j - 1]!;
          j--;
        }
        order[j] = m;
      }
    } else {
      order = Array.from({ length: count }, (_, k) => first + 3 * k);
      order.sort((x, y) => this.keyLess(kids[x]!, kids[x + 1]!, kids[y]!, kids[y + 1]!) || x - y);
    }
    let out = '{';
    for (let k = 0; k < count; k++) {
      const m = order[k]!;
      const next = k + 1 < count ? order[k + 1]! : -1;
      if (next >= 0 && this.keyLess(kids[m]!, kids[m + 1]!, kids[next]!, kids[next + 1]!) === 0) continue;
      out += (out.length > 1 ? ',' : '') + this.text.slice(kids[m]! - 1, kids[m + 1]! + 1) + ':' + this.write(kids[m + 2]!);
    }
    return out + '}';
  }
}

const shared = new JsonTree();

/** canonicalJson(parseJson(source)) from the text itself; null when the scan gives up. */
export function canonicalJsonText(source: string): string | null {
  return shared.scan(source) ? shared.canonical() : null;
}
