// Which host a record is from when a collection names it (decision 47): the record's own
// Computer field unless it is missing or generic, then the collection's host; and what the
// import log says of it.
import { hostKey, isGenericHost } from '../normalize/values.js';
import type { HostHint } from './archive/layout.js';
import type { FileNote } from './record-stream.js';

/**
 * A collection's host name for records whose Computer is missing or generic (decision 47),
 * and what the import log says of it: which name was used, for how many records.
 */
export class HostNames {
  private replaced = 0;
  private readonly generic = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(private readonly hint: HostHint | null) {}

  of(computer: string | null): string | null {
    if (!isGenericHost(computer)) {
      if (this.seen.size < 20) this.seen.add(hostKey(computer!));
      return computer;
    }
    if (!this.hint) return computer;
    this.replaced++;
    if (this.generic.size < 5) this.generic.add(computer === null || computer.trim() === '' ? '(none)' : computer);
    return this.hint.name;
  }

  notes(): FileNote[] {
    if (!this.hint) return [];
    const out: FileNote[] = [];
    const hint = this.hint;
    if (this.replaced > 0) {
      out.push({
        level: 'info',
        reason: `host name "${hint.name}" from ${hint.from}: the logs' Computer field was missing or generic (${[...this.generic].join(', ')}) in ${this.replaced} record(s)`,
      });
    }
    if (this.seen.size > 0) {
      const others = [...this.seen].filter((h) => h !== hostKey(hint.name));
      out.push(
        others.length === 0
          ? { level: 'info', reason: `host name from the logs' Computer field, as ${hint.from} says ("${hint.name}")` }
          : { level: 'warning', reason: `host name from the logs' Computer field (${others.slice(0, 5).join(', ')}), which differs from "${hint.name}" in ${hint.from}` },
      );
    }
    return out;
  }
}
