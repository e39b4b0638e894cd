import Papa from 'papaparse';
import type { DecodedText } from '../text/text-stream.js';
import { fastRows } from './fast-rows.js';

/** A CSV record before header checks; blank lines are already dropped. */
export interface RawRow {
  fields: string[];
  /** File line where the record starts. */
  line: number;
  error?: string;
}

interface PapaResult {
  data: string[][];
  errors: { code: string; row: number }[];
  meta: { cursor: number };
}

/** After a bad record, parse in small windows so a run of bad records stays linear. */
const RESYNC_WINDOW = 1024;

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function countEmbedded(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  }
  return n;
}

/**
 * Feeds decoded text to papaparse's core Parser window by window, the way its own
 * ChunkStreamer does: `ignoreLastRow` keeps an incomplete trailing row for the next
 * call, and `meta.cursor` tells where it starts. LF is the row separator (a CR
 * before it is dropped), so files mixing CRLF and LF still split correctly.
 */
export class CsvRows {
  private readonly parser: Papa.Parser;
  private pending: string;
  private pendingLine = 1;
  private window: number;
  private queue: RawRow[] = [];
  private queued = 0;
  private done = false;

  constructor(
    private readonly text: DecodedText,
    initial: string,
    private textDone: boolean,
    private readonly delimiter: string,
    private readonly baseWindow: number,
    private readonly maxRecordChars: number,
    /** Windows `fastRows` can cut are cut by it (false: all by papaparse). */
    private readonly fast = true,
  ) {
    this.parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
    this.pending = initial;
    this.window = baseWindow;
  }

  next(): RawRow | null {
    for (;;) {
      if (this.queued < this.queue.length) return this.queue[this.queued++] ?? null;
      if (this.done) return null;
      this.queue = [];
      this.queued = 0;
      this.step();
    }
  }

  private step(): void {
    while (!this.textDone && this.pending.length < this.window) {
      const t = this.text.next();
      if (t === null) this.textDone = true;
      else this.pending += t;
    }
    if (this.pending.length === 0) {
      this.done = this.textDone;
      return;
    }
    let limit = Math.min(this.pending.length, this.window);
    const atEnd = this.textDone && limit === this.pending.length;
    if (!atEnd) {
      // Windows end at a line end: papaparse looks past a closing quote up to the next
      // delimiter or newline, and a window cut inside a line makes it report quotes
      // that are fine.
      const lastNl = this.pending.lastIndexOf('\n', limit - 1);
      if (lastNl < 0) {
        this.growWindow(limit);
        return;
      }
      limit = lastNl + 1;
    }
    const input = limit === this.pending.length ? this.pending : this.pending.slice(0, limit);
    if (this.fast && this.stepFast(input, atEnd, limit)) return;
    const res = this.parser.parse(input, 0, !atEnd) as PapaResult;
    const rows = res.data;
    const cursor = rows.length === 0 ? 0 : res.meta.cursor;
    let quoteErrors: Map<number, string> | null = null;
    // Errors past the last complete row belong to the row papaparse held back.
    let trailingError = false;
    for (const e of res.errors) {
      if (e.row >= rows.length) {
        trailingError = true;
        continue;
      }
      quoteErrors ??= new Map();
      if (quoteErrors.get(e.row) !== 'MissingQuotes') quoteErrors.set(e.row, e.code);
    }
    if (rows.length > 0) {
      const newlines = countNewlines(input, 0, cursor);
      if (quoteErrors === null && newlines === rows.length - (atEnd ? 1 : 0)) {
        // No field holds a newline: each record is exactly one line.
        let end = -1;
        for (let i = 0; i < rows.length; i++) {
          end = input.indexOf('\n', end + 1);
          this.emit(rows[i] as string[], this.pendingLine + i, input, end < 0 ? input.length : end);
        }
      } else if (!this.emitSlow(rows, input, quoteErrors)) {
        return;
      }
      this.consumed(cursor, newlines);
    }
    // A held-back row with a malformed quote that already spans lines is bad whatever
    // follows; waiting for its end could mean reading to the end of the file.
    const nl = trailingError ? input.indexOf('\n', cursor) : -1;
    if (nl >= 0) this.resync(this.pendingLine, nl + 1 - cursor, 'unbalanced quote');
    else if (rows.length === 0) this.growWindow(limit);
  }

  /**
   * The window cut by `fastRows` where it can (decision 79: the same rows as papaparse,
   * test/ingest/fast-rows.test.ts compares them); false when it cannot, and papaparse
   * reads the window.
   */
  private stepFast(input: string, atEnd: boolean, limit: number): boolean {
    const w = fastRows(input, this.delimiter, atEnd);
    if (w === null) return false;
    if (w.cursor === 0) {
      this.growWindow(limit);
      return true;
    }
    for (let i = 0; i < w.rows.length; i++) this.emit(w.rows[i]!, this.pendingLine + w.lines[i]!, input, w.ends[i]!);
    this.consumed(w.cursor, w.newlines);
    return true;
  }

  /** The window's complete rows are out: the text goes on at `cursor`, `newlines` lines on. */
  private consumed(cursor: number, newlines: number): void {
    this.pendingLine += newlines;
    this.pending = cursor >= this.pending.length ? '' : this.pending.slice(cursor);
    this.window = this.baseWindow > this.window ? Math.min(2 * this.window, this.baseWindow) : this.baseWindow;
  }

  /** No complete record in the window: look further, up to maxRecordChars. */
  private growWindow(limit: number): void {
    if (this.window < this.maxRecordChars) {
      this.window *= 2;
      return;
    }
    const nl = this.pending.indexOf('\n');
    const max = `${this.maxRecordChars} characters`;
    if (nl >= 0 && nl < limit) {
      this.resync(this.pendingLine, nl + 1, `unbalanced quote (field runs past ${max})`);
      return;
    }
    this.resync(this.pendingLine, nl >= 0 ? nl + 1 : this.pending.length, `record longer than ${max}`);
    if (nl >= 0) return;
    // Drop text up to the next LF without keeping it.
    while (!this.textDone) {
      const t = this.text.next();
      if (t === null) {
        this.textDone = true;
        break;
      }
      const i = t.indexOf('\n');
      if (i >= 0) {
        this.pending = t.slice(i + 1);
        return;
      }
    }
  }

  /** Reports the record at `line` bad and goes on at `next` in `pending`. */
  private resync(line: number, next: number, error: string): void {
    this.queue.push({ fields: [], line, error });
    this.pending = this.pending.slice(next);
    this.pendingLine = line + 1;
    this.window = Math.min(RESYNC_WINDOW, this.baseWindow);
  }

  /** Emits rows counting their embedded newlines; false when it had to resynchronise. */
  private emitSlow(rows: string[][], input: string, quoteErrors: Map<number, string> | null): boolean {
    let line = this.pendingLine;
    let pos = 0;
    for (let i = 0; i < rows.length; i++) {
      const fields = rows[i] as string[];
      const embedded = countEmbedded(fields);
      const code = quoteErrors?.get(i);
      // A stray quote that papaparse closed on the same line is left to the field-count check;
      // one that ran across lines has swallowed other records.
      if (code === 'MissingQuotes' || (code !== undefined && embedded > 0)) {
        const nl = input.indexOf('\n', pos);
        this.resync(line, nl < 0 ? this.pending.length : nl + 1, 'unbalanced quote');
        return false;
      }
      let end = -1;
      for (let k = 0; k <= embedded && pos >= 0; k++) {
        end = input.indexOf('\n', pos);
        pos = end < 0 ? -1 : end + 1;
      }
      this.emit(fields, line, input, end < 0 ? input.length : end);
      line += 1 + embedded;
    }
    return true;
  }

  /**
   * `end` is where the record's text ends in `input` (its LF, or the end). Rows split at
   * LF, so an unquoted last field of a CRLF line ends in the CR, which goes. Papaparse
   * already drops the CR after a closing quote, so a quoted field ending in CR (`"x\r"`)
   * keeps its own: the CR goes only when the record's text ends in the field as it is,
   * unquoted, right after a delimiter or at the start of the record.
   */
  private emit(fields: string[], line: number, input: string, end: number): void {
    const last = fields.length - 1;
    const tail = fields[last] as string;
    if (tail.charCodeAt(tail.length - 1) === 13 && input.endsWith(tail, end)) {
      const before = end - tail.length - 1;
      if (before < 0 || input[before] === this.delimiter || input[before] === '\n') fields[last] = tail.slice(0, -1);
    }
    if (last === 0 && fields[0] === '') return;
    this.queue.push({ fields, line });
  }
}
