// What can be wrong with an archive or one of its members, one kind per failure, so the
// import log says which (and the trust suites can check it).

export type ArchiveProblemKind =
  /** The container cannot be read at all (no central directory, bad header). */
  | 'corrupt'
  /** The data ends early. */
  | 'truncated'
  /** Password-protected: not read (Longtail takes no passwords). */
  | 'encrypted'
  /** A compression method we do not decode (e.g. Deflate64, bzip2, LZMA). */
  | 'unsupported'
  /** Over the limits of limits.ts: declared or actual sizes out of proportion, overlapping members. */
  | 'bomb'
  /** A name that would escape the folder it is extracted to: `..`, absolute, a drive letter. */
  | 'unsafe-name'
  /** An archive nested deeper than the limit. */
  | 'too-deep'
  /** Data that does not check out: CRC-32 or size different from the header's. */
  | 'damaged';

export interface ArchiveProblem {
  kind: ArchiveProblemKind;
  message: string;
}

export class ArchiveError extends Error {
  constructor(
    readonly kind: ArchiveProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }

  get problem(): ArchiveProblem {
    return { kind: this.kind, message: this.message };
  }
}

/** Any error as a problem: errors of the archive libraries and zlib are corruption. */
export function problemOf(err: unknown): ArchiveProblem {
  if (err instanceof ArchiveError) return err.problem;
  const message = err instanceof Error ? err.message : String(err);
  // tar-stream's "Stream was destroyed": the tar's input ended (damage) inside this member.
  if (/unexpected end|truncated|premature|end of (data|file)|stream was destroyed/i.test(message)) return { kind: 'truncated', message };
  return { kind: 'corrupt', message };
}
