// Spec 7.3: Security-Datasets write TimeCreated in the collector's local time. Sysmon
// records also carry UtcTime, so the file's offset is the most common
// TimeCreated − UtcTime over its Sysmon records, rounded to 15 minutes.
import { diffTicks, parseTime } from '../normalize/time.js';

export interface OffsetInference {
  /** Minutes to subtract from TimeCreated to get UTC; 0 when no pairs were found. */
  offsetMinutes: number;
  pairs: number;
  /** Pairs that agree with the chosen offset. */
  agreeing: number;
}

export class LocalOffsetCounter {
  private readonly counts = new Map<number, number>();
  private pairs = 0;

  /** Feeds one flattened record; ignores everything but Sysmon records with both times. */
  add(record: Record<string, unknown>): void {
    const channel = String(record['Channel'] ?? record['SourceName'] ?? '').toLowerCase();
    if (!channel.includes('sysmon')) return;
    const local = parseTime(record['TimeCreated'] ?? record['EventTime']);
    const utc = parseTime(record['UtcTime']);
    if (!local || !utc) return;
    const minutes = diffTicks(local.iso, utc.iso) / 600_000_000;
    const rounded = Math.round(minutes / 15) * 15;
    this.counts.set(rounded, (this.counts.get(rounded) ?? 0) + 1);
    this.pairs++;
  }

  result(): OffsetInference {
    let best = 0;
    let bestCount = 0;
    for (const [offset, count] of this.counts) {
      // Ties go to the smaller shift: the least surprising reading of the data.
      if (count > bestCount || (count === bestCount && Math.abs(offset) < Math.abs(best))) {
        best = offset;
        bestCount = count;
      }
    }
    return { offsetMinutes: best === 0 ? 0 : best, pairs: this.pairs, agreeing: bestCount };
  }
}
