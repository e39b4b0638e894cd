// Output is assembled from pieces: short strings built per event, and long fragments
// cached per binary, account, host or process instance. A fragment used more than
// once keeps its UTF-8 bytes, so the bench copies them into its output buffer
// instead of encoding the same text millions of times.
export class Fragment {
  private encoded: Buffer | undefined;
  private uses = 0;

  constructor(readonly text: string) {}

  /** The UTF-8 bytes once the fragment proves reused, else null (encode the text directly). */
  reusedBytes(): Buffer | null {
    if (this.encoded) return this.encoded;
    if (this.uses++ === 0) return null;
    this.encoded = Buffer.from(this.text, 'utf8');
    return this.encoded;
  }
}

export type Piece = string | Fragment;

export function joinPieces(pieces: readonly Piece[]): string {
  let s = '';
  for (const p of pieces) s += typeof p === 'string' ? p : p.text;
  return s;
}
