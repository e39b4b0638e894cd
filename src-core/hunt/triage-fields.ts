// Issue 13: what a row carries from triage, the same for a hunt's rows and an opened
// instance: its verdict, and the hosts covered on the day it started (the flag below a
// threshold).
import type { Db } from '../store/case-db.js';
import type { ReportRow } from '../model/hunt.js';
import { verdictsByInstance } from '../store/verdicts.js';
import { coverageIndex, type CoverageIndex } from './coverage.js';

/** Fills verdict, note, who/when, coveredHosts and thinCoverage (with its flag); returns the coverage read. */
export function applyTriage(db: Db, rows: ReportRow[], minCoveredHosts: number): CoverageIndex {
  const verdicts = verdictsByInstance(db);
  const coverage = coverageIndex(db);
  for (const row of rows) {
    const v = verdicts.get(row.instanceId);
    if (v) Object.assign(row, { verdict: v.verdict, note: v.note, verdictBy: v.by, verdictAt: v.at });
    row.coveredHosts = coverage.hostsOn(row.startTime.slice(0, 10));
    row.thinCoverage = row.coveredHosts < minCoveredHosts;
    if (row.thinCoverage) {
      row.flags.push(`thin coverage: ${row.coveredHosts} of the case's hosts logged process starts that day (fewer than ${minCoveredHosts})`);
    }
  }
  return coverage;
}
