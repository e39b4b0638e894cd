import type { ByteSource } from '../text/byte-source.js';
import { DEFAULT_CHUNK_SIZE } from '../text/chunk-buffer.js';
import type { TextEncoding } from '../text/encoding.js';
import { openUtf8 } from '../text/text-stream.js';
import { JsonCursor } from './json-cursor.js';
import { JsonDocuments } from './json-document.js';
import { looksLikeJsonLines } from './json-layout.js';
import { jsonLines } from './json-lines.js';
import { JsonTree } from './json-tree.js';
import type { JsonContainer, JsonRecord } from './json-record.js';

export type { JsonContainer, JsonRecord } from './json-record.js';

export interface JsonOptions {
  /** A record bigger than this is reported bad and skipped without being kept. Default 256 MiB. */
  maxRecordBytes?: number;
  /** Read size in bytes; tiny values let tests hit every chunk boundary. */
  chunkSize?: number;
  /**
   * Records (by 1-based index) the caller will not use: JSON lines leaves them unread
   * (json-record.ts isUnread), without decoding them. Other layouts read every record.
   */
  keep?: (index: number) => boolean;
  /**
   * JSON lines come out scanned (JsonRecord.tree) wherever the scan accepts them, for a
   * caller that maps each record before asking for the next (decision 83).
   */
  tree?: boolean;
}

/** Single pass: iterating again continues where the last iteration stopped. */
export interface JsonReader extends Iterable<JsonRecord> {
  /**
   * The layout found. Known on return for JSON lines and arrays; for an object it
   * becomes the container kind before its first record is yielded, and
   * 'concatenated' once a second top-level value starts.
   */
  readonly container: JsonContainer;
  /** Small values next to the records (e.g. `schema`, `hits.total`); complete after iteration. */
  readonly meta: Record<string, unknown>;
  readonly encoding: TextEncoding;
}

export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** How far the first line is read to tell JSON lines from a document. */
const MAX_PROBE_BYTES = 16 * 1024 * 1024;

/**
 * Records of a JSON file, whatever its layout (recognised from content, never from
 * the name): JSON lines, one or more documents, arrays and response containers.
 * Bad records come out with an error and never end the iteration.
 */
export function readJsonRecords(source: ByteSource, opts: JsonOptions = {}): JsonReader {
  const maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const { encoding, chunks } = openUtf8(source, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const cursor = new JsonCursor(chunks, maxRecordBytes);
  if (looksLikeJsonLines(cursor, MAX_PROBE_BYTES)) {
    const lines = jsonLines(chunks, maxRecordBytes, opts.keep, opts.tree ? new JsonTree() : undefined);
    return { container: 'ndjson', meta: {}, encoding, [Symbol.iterator]: () => lines };
  }
  const docs = new JsonDocuments(cursor, maxRecordBytes);
  const records = docs.records();
  return {
    get container() {
      return docs.container;
    },
    meta: docs.meta,
    encoding,
    [Symbol.iterator]: () => records,
  };
}
