// Counting what a fuzz suite tried and saw, per importer, for the trust report.
import type { Comparison } from './compare.js';
import type { Imported } from './harness.js';

export interface ImporterTally {
  /** Clean inputs generated (each imported once as the reference). */
  inputs: number;
  mutations: number;
  byMutation: Record<string, number>;
  crashes: number;
  /** Imports over the time bound. */
  hangs: number;
  /** Imports with any broken invariant. */
  violations: number;
  /** Records other than the mutated one lost (allowed in JSON documents only, where one broken bracket swallows what follows). */
  collateralLost: number;
  invented: number;
  bytes: number;
  ms: number;
  maxMs: number;
  /** Slowest throughput over imports of at least 1 MB (MB/s), null when none was that big. */
  slowestMBps: number | null;
}

export function newTally(): ImporterTally {
  return { inputs: 0, mutations: 0, byMutation: {}, crashes: 0, hangs: 0, violations: 0, collateralLost: 0, invented: 0, bytes: 0, ms: 0, maxMs: 0, slowestMBps: null };
}

export function countImport(t: ImporterTally, imp: Imported): void {
  t.bytes += imp.bytes;
  t.ms += imp.ms;
  t.maxMs = Math.max(t.maxMs, imp.ms);
  if (imp.crashed) t.crashes++;
  if (imp.problems.some((p) => p.startsWith('took '))) t.hangs++;
  if (imp.bytes >= 1e6) {
    const mbps = imp.bytes / 1e6 / (imp.ms / 1000);
    t.slowestMBps = t.slowestMBps === null ? mbps : Math.min(t.slowestMBps, mbps);
  }
}

export function countMutation(t: ImporterTally, kind: string, imp: Imported, cmp: Comparison | null): void {
  t.mutations++;
  t.byMutation[kind] = (t.byMutation[kind] ?? 0) + 1;
  countImport(t, imp);
  if (cmp) {
    t.collateralLost += cmp.lost;
    t.invented += cmp.invented;
  }
  if (imp.problems.length || (cmp && cmp.problems.length)) t.violations++;
}

/** Adds `t`'s counts into `into` (suites into one importer's row, rows into the total). */
export function addTally(into: ImporterTally, t: ImporterTally): void {
  into.inputs += t.inputs;
  into.mutations += t.mutations;
  for (const [k, n] of Object.entries(t.byMutation)) into.byMutation[k] = (into.byMutation[k] ?? 0) + n;
  into.crashes += t.crashes;
  into.hangs += t.hangs;
  into.violations += t.violations;
  into.collateralLost += t.collateralLost;
  into.invented += t.invented;
  into.bytes += t.bytes;
  into.ms += t.ms;
  into.maxMs = Math.max(into.maxMs, t.maxMs);
  if (t.slowestMBps !== null) into.slowestMBps = into.slowestMBps === null ? t.slowestMBps : Math.min(into.slowestMBps, t.slowestMBps);
}

/** An archive suite's counts: an importer's, and what became of the members. */
export interface ArchiveTally extends ImporterTally {
  /** Members compared with the clean archive's import (the mutation did not touch them). */
  membersChecked: number;
  /** Of those, members gone or changed: members lost beyond the damaged one. */
  membersLost: number;
  /** Records of a damaged member, wholly before the damage, that were not kept. */
  prefixLost: number;
  /** The mutations that lost such records, in words (the first few). */
  prefixCases: string[];
  /** Imports whose broken invariants a known core bug explains, by bug (archive-bugs.ts). */
  knownBugs: Record<string, number>;
  /** Of `violations`, imports with no broken invariant but those. */
  violationsByKnownBugs: number;
}

export function newArchiveTally(): ArchiveTally {
  return { ...newTally(), membersChecked: 0, membersLost: 0, prefixLost: 0, prefixCases: [], knownBugs: {}, violationsByKnownBugs: 0 };
}

/** What an archive import counts as (the harnesses' shapes differ only in name). */
interface ArchiveImportLike {
  bytes: number;
  ms: number;
  crashed: boolean;
  problems: string[];
}

export function countArchiveImport(t: ArchiveTally, imp: ArchiveImportLike): void {
  countImport(t, { ...imp, result: null, rows: [] });
}

export function countArchiveMutation(
  t: ArchiveTally,
  kind: string,
  imp: ArchiveImportLike,
  cmp: { problems: string[]; lost: number; invented: number; intact: number; prefixLost: number } | null,
): void {
  countMutation(t, kind, { ...imp, result: null, rows: [] }, cmp ? { problems: cmp.problems, lost: cmp.lost, invented: cmp.invented } : null);
  if (cmp) {
    t.membersChecked += cmp.intact;
    t.membersLost += cmp.lost;
    t.prefixLost += cmp.prefixLost;
  }
}

/** Adds archive tallies (the report's total row). */
export function addArchiveTally(into: ArchiveTally, t: ArchiveTally): void {
  addTally(into, t);
  into.membersChecked += t.membersChecked;
  into.membersLost += t.membersLost;
  into.prefixLost += t.prefixLost;
  into.prefixCases.push(...t.prefixCases);
  for (const [k, n] of Object.entries(t.knownBugs)) into.knownBugs[k] = (into.knownBugs[k] ?? 0) + n;
  into.violationsByKnownBugs += t.violationsByKnownBugs;
}
