// Per-file accounting for the import log: reasons aggregated with a count and the
// first locations, so a file with a million bad lines yields one readable entry.
/** `info`: what the log should say without it being a problem (e.g. where a host name came from). */
export type NoteLevel = 'error' | 'warning' | 'info' | 'skipped';

export interface ImportNote {
  level: NoteLevel;
  reason: string;
  count: number;
  /** The first locations, e.g. `line 12: Unexpected token } in JSON`. */
  refs: string[];
}

const MAX_REFS = 20;
const MAX_REASONS = 500;

export class NoteLog {
  private readonly notes = new Map<string, ImportNote>();

  add(level: NoteLevel, reason: string, ref: string | null): void {
    const key = `${level}\u0000${reason}`;
    let note = this.notes.get(key);
    if (!note) {
      if (this.notes.size >= MAX_REASONS) {
        // Unbounded distinct reasons (e.g. attacker-made messages) must not grow memory.
        this.add(level, 'other reasons (too many distinct reasons to list)', ref);
        return;
      }
      note = { level, reason, count: 0, refs: [] };
      this.notes.set(key, note);
    }
    note.count++;
    if (ref !== null && note.refs.length < MAX_REFS) note.refs.push(ref);
  }

  list(): ImportNote[] {
    return [...this.notes.values()];
  }
}
