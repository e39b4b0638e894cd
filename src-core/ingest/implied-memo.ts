// The implied processes a file has handed to the writer (decision 71): by host spelling
// and process key, the last IMPLIED_MEMO_MAX of them (memory must not grow with the file).
// The parser leaves out an implied process already in it, and the Defender mapper does
// not even build one (decision 72).

/** Bound on the implied processes a file remembers. */
const IMPLIED_MEMO_MAX = 100_000;

export class ImpliedMemo {
  private readonly seen = new Set<string>();

  /**
   * A flat copy: the host is a slice of a decoded chunk, which a key built from it would
   * keep alive. The host's length goes first, so no two pairs share a key whatever
   * characters they hold.
   */
  private static key(host: string, proc: string): string {
    return (' ' + host.length + '\u0000' + host + proc).slice(1);
  }

  has(host: string, proc: string): boolean {
    return this.seen.has(ImpliedMemo.key(host, proc));
  }

  /** Remembers it; true the first time (since the memo was last full). */
  add(host: string, proc: string): boolean {
    const key = ImpliedMemo.key(host, proc);
    if (this.seen.has(key)) return false;
    if (this.seen.size >= IMPLIED_MEMO_MAX) this.seen.clear();
    this.seen.add(key);
    return true;
  }
}
