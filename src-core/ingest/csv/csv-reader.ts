import type { ByteSource } from '../text/byte-source.js';
import { DEFAULT_CHUNK_SIZE } from '../text/chunk-buffer.js';
import type { TextEncoding } from '../text/encoding.js';
import { openDecoded } from '../text/text-stream.js';
import { CsvRows } from './csv-rows.js';
import { sniffDelimiter } from './delimiter.js';

export interface CsvRow {
  fields: string[];
  /** 1-based data record number (header and blank lines excluded, bad records included). */
  record: number;
  /** 1-based file line where the record starts. */
  line: number;
  /** Set on a bad record, e.g. "unbalanced quote" or "has 70 fields, header has 72". */
  error?: string;
}

export interface CsvOptions {
  /** Sniffed from the header line (comma, semicolon or tab) when not given. */
  delimiter?: string;
  /** A record still open after this many characters is reported bad and skipped. Default 16 MiB. */
  maxRecordChars?: number;
  /** Read size in bytes; tiny values let tests hit every chunk boundary. */
  chunkSize?: number;
  /** Every window read by papaparse, none by `fastRows` (tests compare both ways; decision 79). */
  papaparseOnly?: boolean;
}

/** Single pass: iterating again continues where the last iteration stopped. */
export interface CsvReader extends Iterable<CsvRow> {
  /** The first non-blank row; null for an empty file. */
  readonly header: string[] | null;
  readonly encoding: TextEncoding;
  readonly delimiter: string;
}

export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;
const SNIFF_CHARS = 64 * 1024;

function firstContentLine(text: string): string | null {
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return null;
    const line = text.slice(start, nl);
    if (line.trim() !== '') return line;
    start = nl + 1;
  }
  return null;
}

/** Reads the header eagerly, so header, encoding and delimiter are known on return. */
export function readCsv(source: ByteSource, opts: CsvOptions = {}): CsvReader {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const text = openDecoded(source, chunkSize);
  let initial = '';
  let textDone = false;
  let headerLine = firstContentLine(initial);
  while (headerLine === null && initial.length < SNIFF_CHARS) {
    const t = text.next();
    if (t === null) {
      textDone = true;
      break;
    }
    initial += t;
    headerLine = firstContentLine(initial);
  }
  const delimiter = opts.delimiter ?? sniffDelimiter(headerLine ?? initial.slice(0, SNIFF_CHARS));
  const maxRecordChars = opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  const rows = new CsvRows(text, initial, textDone, delimiter, chunkSize, maxRecordChars, opts.papaparseOnly !== true);
  const first = rows.next();
  const header = first === null ? null : first.fields;
  let record = 0;

  function* iterate(): Generator<CsvRow, void, void> {
    for (let r = rows.next(); r !== null; r = rows.next()) {
      record++;
      if (r.error !== undefined) {
        yield { fields: r.fields, record, line: r.line, error: r.error };
      } else if (header !== null && r.fields.length !== header.length) {
        const error = `has ${r.fields.length} fields, header has ${header.length}`;
        yield { fields: r.fields, record, line: r.line, error };
      } else {
        yield { fields: r.fields, record, line: r.line };
      }
    }
  }

  return { header, encoding: text.encoding, delimiter, [Symbol.iterator]: iterate };
}
