// The two source hunts' queries, read from ../shared/seeds as published, and a splitter
// that turns a query into its clauses (pipe stages and let statements) with comments
// removed and spacing normalized, so two queries compare clause by clause.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/corpus.js';

const SEEDS = path.resolve(REPO, '..', 'shared', 'seeds');

/** The ES|QL seed's two queries (its ```sql blocks), in order. */
export function esqlSeedQueries(): [string, string] {
  const md = fs.readFileSync(path.join(SEEDS, 'elastic-hunt-low-occurrence-service-execution.md'), 'utf8');
  const blocks = [...md.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length !== 2) throw new Error(`expected 2 ES|QL queries in the seed, found ${blocks.length}`);
  return [blocks[0]!, blocks[1]!];
}

/** The KQL seed's complete query (the post's last indented block). */
export function kqlSeedQuery(): string {
  const md = fs.readFileSync(path.join(SEEDS, 'mde-kql-rare-process-launch-as-a-service.md'), 'utf8');
  const from = md.indexOf('Here is the final query');
  const block = md.slice(from).split('\n').filter((l) => l.startsWith('    ')).map((l) => l.slice(4));
  if (!block[0]?.startsWith('let LookupTime')) throw new Error('the KQL seed\'s final query was not found');
  return block.join('\n');
}

/**
 * Splits a query at `|` and `;` outside strings, dropping `//` and `/* *\/` comments.
 * Strings: "…" with backslash escapes, @"…" verbatim (KQL), """…""" (ES|QL).
 * Each clause has its whitespace collapsed and none around ( ) , = .
 */
export function clauses(query: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (query.startsWith('//', i)) {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (query.startsWith('/*', i)) {
      i = query.indexOf('*/', i) + 2;
    } else if (query.startsWith('"""', i)) {
      const end = query.indexOf('"""', i + 3) + 3;
      cur += query.slice(i, end);
      i = end;
    } else if (query.startsWith('@"', i)) {
      let j = i + 2;
      while (j < query.length && !(query[j] === '"' && query[j + 1] !== '"')) j += query[j] === '"' ? 2 : 1;
      cur += query.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < query.length && query[j] !== '"') j += query[j] === '\\' ? 2 : 1;
      cur += query.slice(i, j + 1);
      i = j + 1;
    } else if (c === '|' || c === ';') {
      parts.push(cur);
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  parts.push(cur);
  return parts.map(normalize).filter((p) => p !== '');
}

function normalize(clause: string): string {
  return clause.replace(/\s+/g, ' ').replace(/\s*([(),=~!<>+*/:-])\s*/g, '$1').trim();
}

/** A documented difference: the seed clause it changes, and what the generated query has. */
export interface Rewrite {
  /** Matched against a normalized seed clause. */
  from: RegExp;
  to: string;
  /** Words the generated query's comments must contain, naming the difference. */
  documented: string;
}

/** The seed's clauses with the rewrites applied (each rewrite must apply at least once). */
export function rewriteSeed(seed: readonly string[], rewrites: readonly Rewrite[]): string[] {
  const used = new Set<Rewrite>();
  const out = seed.map((c) => {
    let text = c;
    for (const r of rewrites) {
      if (r.from.test(text)) {
        text = normalize(text.replace(r.from, r.to));
        used.add(r);
      }
    }
    return text;
  });
  const unused = rewrites.filter((r) => !used.has(r));
  if (unused.length) throw new Error(`rewrites that changed nothing: ${unused.map((r) => r.from.source).join('; ')}`);
  return out;
}
