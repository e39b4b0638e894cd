export const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/**
 * Picks the candidate that occurs most often in the header line outside quotes.
 * Header names rarely contain delimiters, so a count on one line is enough.
 */
export function sniffDelimiter(headerLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine[i] as string;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}
