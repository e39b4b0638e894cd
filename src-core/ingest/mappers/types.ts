// What every mapper returns for one source record.
import type { MappedItem } from '../../model/events.js';

export type MapResult =
  | { items: MappedItem[] }
  /** A valid record the hunt does not use; `reason` is aggregated in the import log. */
  | { skip: string };

/** A record that cannot be mapped (missing host or time, malformed values). */
export class RecordError extends Error {
  /**
   * @param message the general reason, aggregated in the import log (keep data out of it)
   * @param detail record-specific text shown next to the record's location
   */
  constructor(message: string, readonly detail: string | null = null) {
    super(message);
    this.name = 'RecordError';
  }
}

export function skip(reason: string): MapResult {
  return { skip: reason };
}
