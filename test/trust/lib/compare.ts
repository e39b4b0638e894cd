// The data invariants of a mutated import against the clean one: records outside the
// mutated one come out exactly as before (by reference and content), nothing appears
// that the clean file did not have outside the mutated record, and a cut file keeps
// every record before the cut.
import type { EventRow } from './harness.js';
import type { TextInput } from './inputs.js';
import type { EvtxMutated, Mutated } from './mutate.js';

export interface Comparison {
  problems: string[];
  /** Clean records (other than the mutated one) whose events are gone: collateral loss. */
  lost: number;
  /** Events outside the mutated record that the clean import did not have. */
  invented: number;
}

function lineOf(ref: string): number {
  const m = /line (\d+)/.exec(ref);
  return m ? Number(m[1]) : -1;
}

function group(rows: readonly EventRow[], key: (r: EventRow) => string | number): Map<string | number, string[]> {
  const out = new Map<string | number, string[]>();
  for (const r of rows) {
    if (r.implied) continue;
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r.content);
    else out.set(k, [r.content]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/**
 * Implied processes are stored once per process, by the first record that names it:
 * a clean one must still be there unless the mutated record named the process first,
 * and no other may appear.
 */
function compareImplied(clean: readonly EventRow[], mutated: readonly EventRow[], exempt: (ref: string) => boolean, dropped: (ref: string) => boolean): string[] {
  const out: string[] = [];
  const cleanContents = new Set(clean.filter((r) => r.implied).map((r) => r.content));
  const mutByProc = new Map<string, EventRow>();
  for (const r of mutated) {
    if (!r.implied) continue;
    mutByProc.set(r.proc!, r);
    if (!exempt(r.ref) && !cleanContents.has(r.content)) out.push(`implied process at ${r.ref} that the clean import does not have: ${r.content.slice(0, 200)}`);
  }
  for (const r of clean) {
    if (!r.implied || exempt(r.ref) || dropped(r.ref)) continue;
    const m = mutByProc.get(r.proc!);
    if (m === undefined) out.push(`implied process of ${r.ref} lost: ${r.content.slice(0, 200)}`);
    else if (m.content !== r.content && !exempt(m.ref)) out.push(`implied process of ${r.ref} changed by ${m.ref}`);
  }
  return out;
}

export function compareText(input: TextInput, clean: readonly EventRow[], mutated: readonly EventRow[], mut: Mutated): Comparison {
  const problems: string[] = [];
  let lost = 0;
  let invented = 0;
  const e = mut.expect;
  const cleanBy = group(clean, (r) => lineOf(r.ref));
  const mutBy = group(mutated, (r) => lineOf(r.ref));
  if (e.kind === 'any') return { problems, lost, invented };
  if (e.kind === 'same') {
    const a = clean.map((r) => `${r.ref} ${r.content}`).sort();
    const b = mutated.map((r) => `${r.ref} ${r.content}`).sort();
    if (!same(a, b)) {
      const missing = a.filter((x) => !b.includes(x));
      const extra = b.filter((x) => !a.includes(x));
      lost = missing.length;
      invented = extra.length;
      problems.push(`text-preserving change altered the import: ${missing.length} event(s) missing, ${extra.length} new; first missing: ${missing[0]?.slice(0, 240) ?? '-'}; first new: ${extra[0]?.slice(0, 240) ?? '-'}`);
    }
    return { problems, lost, invented };
  }
  // Which clean line each record maps to in the mutated file, and which lines are exempt.
  const expected = new Map<number, number>();
  let exemptFrom = Infinity;
  let exemptTo = -Infinity;
  const gone = new Set<number>();
  input.records.forEach((s, i) => {
    if (e.kind === 'record') {
      if (i === e.index) {
        exemptFrom = s.line;
        exemptTo = s.line + Math.max(1, e.mutatedLines) - 1;
      } else {
        expected.set(s.line, i < e.index ? s.line : s.line + e.lineDelta);
      }
    } else if (i < e.intact) {
      expected.set(s.line, s.line);
    } else if (i === e.cut) {
      exemptFrom = s.line;
      exemptTo = s.line + s.lines - 1;
    } else {
      gone.add(s.line);
    }
  });
  const exempt = (ref: string) => {
    const l = lineOf(ref);
    return l >= exemptFrom && l <= exemptTo;
  };
  const wanted = new Set(expected.values());
  /** Mutated-file lines of records lost as collateral (documents only). */
  const collateral = new Set<number>();
  for (const [cleanLine, mutLine] of expected) {
    const a = cleanBy.get(cleanLine);
    const b = mutBy.get(mutLine);
    if (same(a, b)) continue;
    if (b === undefined) {
      lost++;
      collateral.add(mutLine);
      if (input.layout === 'lines') problems.push(`record at line ${cleanLine} lost (expected at line ${mutLine}): ${a?.[0]?.slice(0, 200)}`);
    } else if (a === undefined) {
      invented += b.length;
      problems.push(`record at line ${cleanLine} (now ${mutLine}) had no event, now has ${b.length}: ${b[0]?.slice(0, 200)}`);
    } else {
      problems.push(`record at line ${cleanLine} (now ${mutLine}) changed: ${JSON.stringify(a).slice(0, 300)} -> ${JSON.stringify(b).slice(0, 300)}`);
    }
  }
  for (const [line, rows] of mutBy) {
    const l = Number(line);
    if (wanted.has(l) || (l >= exemptFrom && l <= exemptTo)) continue;
    invented += rows.length;
    problems.push(`event(s) at line ${l}, outside the mutated record, that the clean file did not have: ${rows[0]?.slice(0, 200)}`);
  }
  const goneRef = (ref: string) => gone.has(lineOf(ref)) || (input.layout === 'document' && collateral.has(lineOf(ref)));
  if (e.kind === 'truncated') {
    for (const line of mutBy.keys()) if (gone.has(Number(line))) problems.push(`event at line ${line}, after the cut`);
  }
  // Implied processes: clean lines map to mutated lines the same way.
  const remap = (rows: readonly EventRow[]) => rows.map((r) => {
    const l = lineOf(r.ref);
    const to = expected.get(l);
    return to === undefined || to === l ? r : { ...r, ref: r.ref.replace(new RegExp(`line ${l}\\b`), `line ${to}`) };
  });
  problems.push(...compareImplied(remap(clean), mutated, exempt, goneRef));
  return { problems, lost, invented };
}

function chunkOf(ref: string): number {
  const m = /\(chunk (\d+)\)/.exec(ref);
  return m ? Number(m[1]) : -1;
}

export function compareEvtx(clean: readonly EventRow[], mutated: readonly EventRow[], mut: EvtxMutated): Comparison {
  const problems: string[] = [];
  let lost = 0;
  let invented = 0;
  const e = mut.expect;
  const exempt = (ref: string) => (e.kind === 'chunk' || e.kind === 'truncated') && chunkOf(ref) === e.chunk;
  const dropped = (ref: string) => e.kind === 'truncated' && chunkOf(ref) > e.chunk;
  const a = group(clean, (r) => r.ref);
  const b = group(mutated, (r) => r.ref);
  for (const [ref, rows] of a) {
    const r = String(ref);
    if (exempt(r)) continue;
    const got = b.get(ref);
    if (dropped(r)) {
      if (got) problems.push(`${r} is after the cut but was imported`);
      continue;
    }
    if (got === undefined) {
      lost++;
      problems.push(`${r} lost: ${rows[0]?.slice(0, 200)}`);
    } else if (!same(rows, got)) {
      problems.push(`${r} changed: ${JSON.stringify(rows).slice(0, 300)} -> ${JSON.stringify(got).slice(0, 300)}`);
    }
  }
  for (const [ref, rows] of b) {
    const r = String(ref);
    if (exempt(r) || a.has(ref)) continue;
    invented += rows.length;
    problems.push(`${r}: event(s) the clean log did not have outside the mutated chunk: ${rows[0]?.slice(0, 200)}`);
  }
  return { problems, lost, invented };
}
