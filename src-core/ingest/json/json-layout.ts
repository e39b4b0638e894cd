import type { JsonCursor } from './json-cursor.js';

const LF = 0x0a;
/** Complete lines looked at after a broken first one. */
const BROKEN_FIRST_LINE_EVIDENCE = 3;

/** Reads from the cursor up to the next LF (or EOF); null when longer than `max` bytes. */
function lineText(cur: JsonCursor, max: number): string | null {
  const start = cur.abs();
  for (;;) {
    const cb = cur.chunks;
    const nl = cb.view.indexOf(LF, cur.pos);
    if (nl >= 0) {
      cur.pos = nl;
      return cur.text(start, cur.abs());
    }
    cur.pos = cb.end;
    if (cur.abs() - start > max) return null;
    if (!cur.more()) return cur.text(start, cur.abs());
  }
}

function isJsonValue(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON lines or one or more (pretty-printed) documents? Decided from content: the
 * first line of JSON lines is a complete value with more lines after it. A compact
 * single-line document counts as a document, so its records stream from inside it.
 * When the first line is broken, the next lines must be complete objects (all but one,
 * which may be the rest of a first record cut in two by a stray newline) to still mean
 * JSON lines: a document's next lines are members, or elements that a comma follows or
 * precedes, and one closing line at least.
 * Reads ahead without consuming: the cursor is back at the start afterwards.
 */
export function looksLikeJsonLines(cur: JsonCursor, maxProbe: number): boolean {
  const start = cur.abs();
  const line = cur.line;
  const keep = cur.keep;
  cur.keep = start;
  try {
    if (cur.skipWs() < 0) return true;
    const first = lineText(cur, maxProbe);
    if (first === null) return false;
    const t1 = first.trim();
    if (isJsonValue(t1)) return cur.skipWs() >= 0;
    if (t1.length <= 1) return false;
    let complete = 0;
    let other = 0;
    while (complete + other < BROKEN_FIRST_LINE_EVIDENCE + 1 && cur.skipWs() >= 0) {
      const next = lineText(cur, maxProbe)?.trim();
      if (next === undefined) return false;
      if (next.startsWith('{') && isJsonValue(next)) complete++;
      else if (++other > 1) return false;
    }
    return complete >= 2;
  } finally {
    cur.pos = start - cur.chunks.base;
    cur.line = line;
    cur.keep = keep;
  }
}
