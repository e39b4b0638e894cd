import { MAX_JSON_DEPTH, parseJson } from './big-json.js';
import type { JsonCursor } from './json-cursor.js';
import { parsedRecord, tooLargeError, type JsonContainer, type JsonRecord } from './json-record.js';

const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Sibling values kept in `meta` only up to this size: they are context, not data. */
const MAX_META_BYTES = 1024 * 1024;

/** Arrays of records inside well-known response objects, by key path. */
const CONTAINER_KEYS = new Map<string, JsonContainer>([
  ['hits.hits', 'search-response'],
  ['results', 'api-results'],
  ['Results', 'api-results'],
  ['value', 'api-results'],
  ['events', 'pipeline-events'],
  ['expected', 'pipeline-events'],
]);

interface Sibling {
  key: string;
  start: number;
  end: number;
}

/**
 * Pretty-printed or compact documents, one or several in a row. Arrays and record
 * containers are streamed element by element; any other top-level value is a record.
 * An object's bytes are kept until it is known whether it is a container (then only
 * its small members are parsed, into `meta`) or a record itself.
 */
export class JsonDocuments {
  container: JsonContainer;
  readonly meta: Record<string, unknown> = {};
  private index = 0;
  private topValues = 0;
  /** The input ended inside a value. */
  private stopped = false;
  /** ...and a "truncated" record has been yielded for it. */
  private reported = false;
  private decided = false;

  constructor(
    private readonly cur: JsonCursor,
    private readonly maxRecordBytes: number,
  ) {
    this.container = cur.peekAfterWs() === LBRACKET ? 'array' : 'object';
  }

  *records(): Generator<JsonRecord, void, void> {
    const cur = this.cur;
    while (!this.stopped) {
      const c = cur.skipWs();
      if (c < 0) return;
      this.topValues++;
      if (this.topValues === 2) this.container = 'concatenated';
      if (c === LBRACKET) {
        if (this.topValues === 1) this.container = 'array';
        yield* this.elements();
      } else if (c === LBRACE) {
        yield* this.topObject();
      } else {
        yield this.record(MAX_JSON_DEPTH);
      }
    }
  }

  /** One value at the cursor, sliced and parsed on its own. */
  private record(maxDepth: number): JsonRecord {
    const cur = this.cur;
    const start = cur.abs();
    const line = cur.line;
    const offset = cur.fileOffset(start);
    const index = ++this.index;
    cur.keep = start;
    cur.retainLost = false;
    const error = cur.skipValue(maxDepth);
    let rec: JsonRecord;
    if (error !== null) {
      rec = { line, offset, index, error };
      if (error === 'truncated') this.stopped = this.reported = true;
    } else if (cur.retainLost) {
      rec = { line, offset, index, error: tooLargeError(this.maxRecordBytes) };
    } else {
      rec = parsedRecord(cur.text(start, cur.abs()), line, offset, index);
    }
    cur.keep = -1;
    return rec;
  }

  private truncatedAtEnd(line: number, offset: number): JsonRecord {
    this.stopped = this.reported = true;
    return { line, offset, index: ++this.index, error: 'truncated' };
  }

  /** At '[': each element is a record. */
  private *elements(): Generator<JsonRecord, void, void> {
    const cur = this.cur;
    cur.pos++;
    let afterValue = false;
    for (;;) {
      const c = cur.skipWs();
      if (c < 0) {
        yield this.truncatedAtEnd(cur.line, cur.fileOffset(cur.abs()));
        return;
      }
      if (c === RBRACKET) {
        cur.pos++;
        return;
      }
      if (c === COMMA && afterValue) {
        cur.pos++;
        afterValue = false;
        continue;
      }
      yield this.record(MAX_JSON_DEPTH);
      if (this.stopped) return;
      afterValue = true;
    }
  }

  /** At '{' of a top-level value: a container of records, or a record itself. */
  private *topObject(): Generator<JsonRecord, void, void> {
    const cur = this.cur;
    const start = cur.abs();
    const line = cur.line;
    const offset = cur.fileOffset(start);
    this.decided = false;
    cur.keep = start;
    cur.retainLost = false;
    cur.pos++;
    const siblings: Sibling[] = [];
    const error = yield* this.members('', 1, siblings);
    if (this.stopped) {
      if (this.reported) return;
      if (!this.decided) yield this.truncatedAtEnd(line, offset);
      else yield this.truncatedAtEnd(cur.line, cur.fileOffset(cur.abs()));
    } else if (!this.decided) {
      const index = ++this.index;
      if (error !== null) yield { line, offset, index, error };
      else if (cur.retainLost) yield { line, offset, index, error: tooLargeError(this.maxRecordBytes) };
      else yield parsedRecord(cur.text(start, cur.abs()), line, offset, index);
    }
    cur.keep = -1;
  }

  /**
   * After '{': walks the members, streaming the first container array it meets.
   * Returns what is wrong with the object (null if nothing); sets `stopped` at EOF.
   */
  private *members(prefix: string, depth: number, siblings: Sibling[]): Generator<JsonRecord, string | null, void> {
    const cur = this.cur;
    let error: string | null = null;
    for (;;) {
      let c = cur.skipWs();
      if (c < 0) {
        this.stopped = true;
        return error;
      }
      if (c === RBRACE || c === RBRACKET) {
        cur.pos++;
        return c === RBRACE ? error : (error ?? "mismatched ']'");
      }
      if (c === COMMA) {
        cur.pos++;
        continue;
      }
      if (c !== QUOTE) {
        error ??= `unexpected '${String.fromCharCode(c)}' where a key was expected`;
        cur.skipValue(MAX_JSON_DEPTH - depth);
        continue;
      }
      const key = cur.readString();
      error ??= key.error;
      c = cur.skipWs();
      if (c === COLON) {
        cur.pos++;
        c = cur.skipWs();
      } else if (c >= 0) {
        error ??= "expected ':'";
      }
      if (c < 0) continue;
      const path = prefix + (key.value ?? '');
      const kind = CONTAINER_KEYS.get(path);
      if (!this.decided && kind !== undefined && c === LBRACKET && this.holdsObjects()) {
        this.decide(kind, siblings);
        yield* this.elements();
        if (this.stopped) return error;
        continue;
      }
      const start = cur.abs();
      if (!this.decided && path === 'hits' && c === LBRACE) {
        const mark = siblings.length;
        cur.pos++;
        const inner = yield* this.members('hits.', depth + 1, siblings);
        if (this.stopped) return error;
        error ??= inner;
        if (!this.decided) {
          siblings.length = mark;
          siblings.push({ key: path, start, end: cur.abs() });
        }
        continue;
      }
      if (this.decided) {
        this.captureMeta(path, depth);
        continue;
      }
      error ??= cur.skipValue(MAX_JSON_DEPTH - depth);
      siblings.push({ key: path, start, end: cur.abs() });
    }
  }

  /** At '[': records are objects; an array of anything else is just a member. */
  private holdsObjects(): boolean {
    const c = this.cur.peekAfterWs(1);
    return c === LBRACE || c === RBRACKET || c < 0;
  }

  private decide(kind: JsonContainer, siblings: Sibling[]): void {
    this.decided = true;
    if (this.topValues === 1) this.container = kind;
    if (!this.cur.retainLost) {
      for (const s of siblings) {
        if (s.end - s.start <= MAX_META_BYTES) this.setMeta(s.key, this.cur.text(s.start, s.end));
      }
    }
    this.cur.keep = -1;
  }

  private captureMeta(path: string, depth: number): void {
    const cur = this.cur;
    const start = cur.abs();
    const maxRetain = cur.maxRetain;
    cur.keep = start;
    cur.retainLost = false;
    cur.maxRetain = MAX_META_BYTES;
    const error = cur.skipValue(MAX_JSON_DEPTH - depth);
    if (error === null && !cur.retainLost && cur.abs() - start <= MAX_META_BYTES) {
      this.setMeta(path, cur.text(start, cur.abs()));
    }
    cur.maxRetain = maxRetain;
    cur.keep = -1;
  }

  private setMeta(key: string, text: string): void {
    try {
      this.meta[key] = parseJson(text);
    } catch {
      // Context only: a malformed sibling is left out rather than failing records.
    }
  }
}
