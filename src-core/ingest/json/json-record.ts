import { MAX_JSON_DEPTH, parseJson } from './big-json.js';
import type { TreeRef } from './json-tree.js';

export type JsonContainer =
  | 'ndjson'
  | 'array'
  | 'search-response'
  | 'api-results'
  | 'pipeline-events'
  | 'object'
  | 'concatenated';

export interface JsonRecord {
  /** The parsed record (big integers as bigint); absent on a bad record, and on a scanned one. */
  value?: unknown;
  /** The record scanned instead of parsed (JsonOptions.tree): valid until the reader moves on. */
  tree?: TreeRef;
  /** 1-based line of the record's first byte. */
  line: number;
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  /** 1-based record number, bad records included. */
  index: number;
  error?: string;
}

/** A record a reader was told it may leave unread (JsonOptions.keep): no value, tree or error. */
export function isUnread(r: JsonRecord): boolean {
  return r.value === undefined && r.tree === undefined && r.error === undefined;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Parses one record's text; a failure becomes the record's error. */
export function parsedRecord(text: string, line: number, offset: number, index: number): JsonRecord {
  try {
    return { value: parseJson(text), line, offset, index };
  } catch (e) {
    return { line, offset, index, error: errorText(e) };
  }
}

export function tooLargeError(maxBytes: number): string {
  return `record larger than ${maxBytes} bytes`;
}

export const DEPTH_ERROR = `nested deeper than ${MAX_JSON_DEPTH}`;
