// The canonical JSON of a record (canonical.ts) computed from the record's own text,
// without the parsed value (spec 7.13, decision 54). It is the content key's hot path:
// the value path walks the parsed object, sorts every object's keys and concatenates
// the text anew, ~7 µs of a 1 KB Elastic document; this one scans the text once
// (string builtins and charCodeAt on a flat string) and writes each subtree that is
// canonical as it stands (keys in order, no whitespace, nothing to rewrite) as one
// slice of the text, ~1.5 µs.
//
// It returns exactly canonicalJson(JSON.parse(text)) or gives up (null), and the caller
// then takes the value path; it is only called on text JSON.parse accepted, and only
// handles what it can reproduce exactly:
// - keys are compared as they are written (UTF-16 code units, canonical's order), so a
//   key with an escape gives up;
// - strings: `\/` and `\uXXXX` are decoded and written as JSON.stringify writes the
//   character (`\u003c` as `<`, `\u001f` as is); an escaped surrogate gives up;
// - numbers with a fraction or an exponent are written as String(Number(text)); integers
//   as they are (below 2^53 String(n) gives the digits back, beyond it the reader keeps a
//   bigint, written as its digits); -0 as 0;
// - duplicate keys: the last one wins, as in JSON.parse.

const FAIL = -1;

// Node kinds of the scan.
const STR = 1; // a string written as it is
const STR_ESC = 2; // a string with escapes to rewrite
const NUM = 3; // an integer written as it is
const NUM_TEXT = 4; // a number rewritten as String(Number(text))
const LIT = 5; // true, false, null
const ARR = 6;
const OBJ = 7;

// State of one call (the scan and the writer recurse).
let text = '';
let end = 0;
/** Per node: kind, span start, span end, first kid, kid count, clean (canonical as written). */
const W = 6;
let nodes = new Int32Array(W * 256);
let nodeCount = 0;
/** Kids of closed containers: array elements [node], object members [keyStart, keyEnd, node]. */
let kids = new Int32Array(3 * 256);
let kidCount = 0;
/** Kids of the containers still open. */
let stack = new Int32Array(3 * 256);
let top = 0;
/** The next backslash at or after the scan position (end when none): most strings have none. */
let nextEscape = 0;
/** Whitespace between tokens skipped so far: a container that saw none added is compact. */
let spaces = 0;

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(2 * a.length, need));
  b.set(a);
  return b;
}

function node(kind: number, start: number, stop: number, first: number, count: number, clean: boolean): number {
  const n = nodeCount++;
  if (W * nodeCount > nodes.length) nodes = grow(nodes, W * nodeCount);
  const i = W * n;
  nodes[i] = kind;
  nodes[i + 1] = start;
  nodes[i + 2] = stop;
  nodes[i + 3] = first;
  nodes[i + 4] = count;
  nodes[i + 5] = clean ? 1 : 0;
  return n;
}

function push(v: number): void {
  if (top >= stack.length) stack = grow(stack, top + 1);
  stack[top++] = v;
}

/** Moves an open container's kids (from `frame` up) to `kids`; the first one's index. */
function close(frame: number): number {
  const n = top - frame;
  if (kidCount + n > kids.length) kids = grow(kids, kidCount + n);
  const first = kidCount;
  for (let i = 0; i < n; i++) kids[first + i] = stack[frame + i]!;
  kidCount += n;
  top = frame;
  return first;
}

function ws(p: number): number {
  const t = text, e = end;
  const from = p;
  while (p < e) {
    const c = t.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
    else break;
  }
  spaces += p - from;
  return p;
}

/** Whether a backslash lies in [p, q); moves nextEscape up to p first. */
function escapeWithin(p: number, q: number): boolean {
  if (nextEscape < p) {
    const e = text.indexOf('\\', p);
    nextEscape = e < 0 ? end : e;
  }
  return nextEscape < q;
}

/**
 * The string opening at p: past its closing quote, negated as -(end + 2) when it holds
 * escapes to rewrite (`\/`, `\uXXXX`); FAIL for an escaped surrogate.
 */
function stringEnd(p: number): number {
  const t = text;
  let q = t.indexOf('"', p + 1);
  if (q < 0) return FAIL;
  if (!escapeWithin(p, q)) return q + 1;
  let rewrite = false;
  let i = nextEscape;
  while (i < q) {
    const x = t.charCodeAt(i + 1);
    if (x === 0x75) {
      const u = parseInt(t.slice(i + 2, i + 6), 16);
      if (!(u >= 0 && u <= 0xffff) || (u >= 0xd800 && u <= 0xdfff)) return FAIL;
      rewrite = true;
    } else if (x === 0x2f) {
      rewrite = true;
    }
    if (i + 1 === q) {
      // That quote was escaped: the string goes on.
      q = t.indexOf('"', q + 1);
      if (q < 0) return FAIL;
    }
    const next = t.indexOf('\\', i + 2);
    i = next < 0 ? end : next;
  }
  nextEscape = i;
  return rewrite ? -(q + 1) - 2 : q + 1;
}

function keyLess(as: number, ae: number, bs: number, be: number): number {
  const t = text;
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = t.charCodeAt(as + i) - t.charCodeAt(bs + i);
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

function scanNumber(p: number): number {
  const t = text, e = end;
  const start = p;
  let plain = true;
  for (; p < e; p++) {
    const c = t.charCodeAt(p);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b) continue;
    if (c === 0x2e || c === 0x65 || c === 0x45) {
      plain = false;
      continue;
    }
    break;
  }
  const minusZero = p - start === 2 && t.charCodeAt(start) === 0x2d && t.charCodeAt(start + 1) === 0x30;
  const clean = plain && !minusZero;
  node(clean ? NUM : NUM_TEXT, start, p, 0, 0, clean);
  return p;
}

function scanLiteral(p: number, word: string): number {
  if (!text.startsWith(word, p)) return FAIL;
  node(LIT, p, p + word.length, 0, 0, true);
  return p + word.length;
}

/** Whether the kid whose node index is in stack[slot] is canonical as written. */
function cleanKid(slot: number): boolean {
  return nodes[W * stack[slot]! + 5] === 1;
}

/**
 * An object or an array (`closer` `}` or `]`): its kids on the stack from `frame`, then
 * its node. Canonical as written when every kid is, the keys are in strictly ascending
 * order, and no whitespace was skipped inside.
 */
function scanContainer(p: number, closer: number): number {
  const start = p;
  const frame = top;
  const spacesBefore = spaces;
  const isObject = closer === 0x7d;
  let clean = true;
  p = ws(p + 1);
  if (text.charCodeAt(p) !== closer) {
    for (;;) {
      let slot = top;
      if (isObject) {
        if (text.charCodeAt(p) !== 0x22) return FAIL;
        const k = text.indexOf('"', p + 1);
        // A key with an escape compares as its decoded text: the value path.
        if (k < 0 || escapeWithin(p, k)) return FAIL;
        if (clean && top > frame && keyLess(stack[top - 3]!, stack[top - 2]!, p + 1, k) >= 0) clean = false;
        push(p + 1);
        push(k);
        slot = top;
        p = ws(k + 1);
        if (text.charCodeAt(p) !== 0x3a) return FAIL;
        p = ws(p + 1);
      }
      push(0);
      p = scanValue(p, slot);
      if (p === FAIL) return FAIL;
      if (!cleanKid(slot)) clean = false;
      p = ws(p);
      if (text.charCodeAt(p) !== 0x2c) break;
      p = ws(p + 1);
    }
    if (text.charCodeAt(p) !== closer) return FAIL;
  }
  const count = isObject ? (top - frame) / 3 : top - frame;
  node(isObject ? OBJ : ARR, start, p + 1, close(frame), count, clean && spaces === spacesBefore);
  return p + 1;
}

/** Scans one value; its node's index goes to stack[slot] (slot < 0: the root). */
function scanValue(p: number, slot: number): number {
  const c = text.charCodeAt(p);
  let q: number;
  if (c === 0x22) {
    const e = stringEnd(p);
    if (e === FAIL) return FAIL;
    if (e < 0) {
      q = -(e + 2);
      node(STR_ESC, p, q, 0, 0, false);
    } else {
      q = e;
      node(STR, p, q, 0, 0, true);
    }
  } else if (c === 0x7b) {
    q = scanContainer(p, 0x7d);
  } else if (c === 0x5b) {
    q = scanContainer(p, 0x5d);
  } else if (c === 0x74) {
    q = scanLiteral(p, 'true');
  } else if (c === 0x66) {
    q = scanLiteral(p, 'false');
  } else if (c === 0x6e) {
    q = scanLiteral(p, 'null');
  } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    q = scanNumber(p);
  } else {
    return FAIL;
  }
  // A container's node is pushed after its kids': the value's node is the last one.
  if (q !== FAIL && slot >= 0) stack[slot] = nodeCount - 1;
  return q;
}

/** A string with `\/` or `\uXXXX`, those decoded and written as JSON.stringify writes them. */
function escaped(from: number, to: number): string {
  const t = text;
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

function write(n: number): string {
  const i = W * n;
  const kind = nodes[i]!;
  const a = nodes[i + 1]!;
  const b = nodes[i + 2]!;
  if (nodes[i + 5] === 1) return text.slice(a, b);
  const first = nodes[i + 3]!;
  const count = nodes[i + 4]!;
  switch (kind) {
    case STR_ESC:
      return escaped(a, b);
    case NUM_TEXT: {
      const v = Number(text.slice(a, b));
      return Number.isFinite(v) ? String(v) : 'null';
    }
    case ARR: {
      let out = '[';
      for (let k = 0; k < count; k++) out += (k > 0 ? ',' : '') + write(kids[first + k]!);
      return out + ']';
    }
    default:
      return writeObject(first, count);
  }
}

function compareMembers(x: number, y: number): number {
  // Equal keys keep their source order, so the last of a run is the one JSON.parse kept.
  return keyLess(kids[x]!, kids[x + 1]!, kids[y]!, kids[y + 1]!) || x - y;
}

function writeObject(first: number, count: number): string {
  const order: number[] = [];
  for (let k = 0; k < count; k++) order.push(first + 3 * k);
  order.sort(compareMembers);
  let out = '{';
  for (let k = 0; k < count; k++) {
    const m = order[k]!;
    const next = k + 1 < count ? order[k + 1]! : -1;
    if (next >= 0 && keyLess(kids[m]!, kids[m + 1]!, kids[next]!, kids[next + 1]!) === 0) continue;
    out += (out.length > 1 ? ',' : '') + text.slice(kids[m]! - 1, kids[m + 1]! + 1) + ':' + write(kids[m + 2]!);
  }
  return out + '}';
}

/** canonicalJson(JSON.parse(source)) from the text itself; null when this path gives up. */
export function canonicalJsonText(source: string): string | null {
  text = source;
  end = source.length;
  nodeCount = 0;
  kidCount = 0;
  top = 0;
  spaces = 0;
  const e = source.indexOf('\\');
  nextEscape = e < 0 ? end : e;
  try {
    let p = scanValue(ws(0), -1);
    if (p !== FAIL) p = ws(p);
    return p === end ? write(nodeCount - 1) : null;
  } finally {
    text = '';
    if (nodes.length > 1 << 20) nodes = new Int32Array(W * 256);
    if (kids.length > 1 << 20) kids = new Int32Array(3 * 256);
    if (stack.length > 1 << 20) stack = new Int32Array(3 * 256);
  }
}
