// Error classes per failure kind, and the issue objects the reader yields instead of
// throwing. Decoders throw these; the reader catches them, turns them into `EvtxIssue`s
// (in stream order) and goes on with the next record or chunk.

export type EvtxIssueKind =
  | 'file-header' // bad signature, sizes or flags in the file header ("File header")
  | 'chunk-header' // bad chunk signature or header values ("Chunk header")
  | 'crc' // CRC-32 mismatch: file header, chunk header or event records data
  | 'record-header' // bad record signature, size or copy of size ("Event record")
  | 'binxml' // BinXML that cannot be decoded ("Binary XML")
  | 'truncated'; // data ends before a structure does

/** A problem found in the input. `chunk` is null for file-level issues; `offset` is a file offset. */
export interface EvtxIssue {
  readonly type: 'issue';
  readonly kind: EvtxIssueKind;
  readonly message: string;
  readonly chunk: number | null;
  readonly offset: number;
  readonly recordId?: number;
}

export abstract class EvtxError extends Error {
  abstract readonly kind: EvtxIssueKind;
  /** Offset of the problem: relative to the chunk start while decoding, a file offset once reported. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = new.target.name;
    this.offset = offset;
  }
}

export class EvtxFileHeaderError extends EvtxError {
  readonly kind = 'file-header' as const;
}

export class EvtxChunkHeaderError extends EvtxError {
  readonly kind = 'chunk-header' as const;
}

export class EvtxCrcError extends EvtxError {
  readonly kind = 'crc' as const;
  readonly stored: number;
  readonly computed: number;
  constructor(what: string, stored: number, computed: number, offset: number) {
    super(`${what} CRC-32 mismatch: stored 0x${hex8(stored)}, computed 0x${hex8(computed)}`, offset);
    this.stored = stored;
    this.computed = computed;
  }
}

export class EvtxRecordHeaderError extends EvtxError {
  readonly kind = 'record-header' as const;
}

/** Undecodable BinXML: `token` is the token (or value type) byte at `offset`. */
export class EvtxBinXmlError extends EvtxError {
  readonly kind = 'binxml' as const;
  readonly token: number;
  constructor(message: string, token: number, offset: number) {
    super(`${message} (token 0x${token.toString(16).padStart(2, '0')} at chunk offset 0x${offset.toString(16)})`, offset);
    this.token = token;
  }
}

export class EvtxTruncatedError extends EvtxError {
  readonly kind = 'truncated' as const;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function issue(
  kind: EvtxIssueKind,
  message: string,
  chunk: number | null,
  offset: number,
  recordId?: number,
): EvtxIssue {
  return recordId === undefined
    ? { type: 'issue', kind, message, chunk, offset }
    : { type: 'issue', kind, message, chunk, offset, recordId };
}

/** Turns anything a decoder threw into an issue; non-EVTX errors are reported as BinXML errors. */
export function issueFromError(err: unknown, chunk: number | null, offset: number, recordId?: number): EvtxIssue {
  if (err instanceof EvtxError) return issue(err.kind, err.message, chunk, offset, recordId);
  const message = err instanceof Error ? err.message : String(err);
  return issue('binxml', message, chunk, offset, recordId);
}
