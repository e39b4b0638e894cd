// Issue 12: the exported ES|QL. With the presets' defaults, unique binary and unique
// path equal the seed's two queries clause by clause, but for the differences the
// queries document; every variant lexes as ES|QL; hostile allowlist values and rules
// stay inside their strings.
import { describe, expect, it } from 'vitest';
import { exportHuntQuery } from '../../src-core/query/export-query.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';
import { globToLike } from '../../src-core/query/regex-port.js';
import { esqlShape, lexEsql } from './esql-lexer.js';
import { HOSTILE_ALLOWLIST, HOSTILE_RULES, HOSTILE_VALUES, PLAIN_ALLOWLIST, variants } from './hunt-variants.js';
import { clauses, esqlSeedQueries, rewriteSeed, type Rewrite } from './seed-queries.js';

type Req = Omit<Parameters<typeof exportHuntQuery>[0], 'dialect' | 'generatedAt'>;
const esql = (r: Req) => exportHuntQuery({ ...r, dialect: 'esql', generatedAt: '2026-12-06T00:00:00.000Z' });

/** The query blocks of an export (one per measure), each without its comment lines. */
function blocks(text: string): string[] {
  return text.split(/\n\n/).slice(1);
}

/** Where a rewrite adds clauses after the one it changes. */
const NEXT = '\u0001';
const DEFAULTS = { allowlist: [...DEFAULT_ALLOWLIST], pathRules: [...DEFAULT_PATH_RULES] };
const ALLOWLIST_CLAUSE = 'where coalesce(to_lower(process.name),"")not in("svchost.exe","mssense.exe","msmpeng.exe","searchindexer.exe","microsoftedgeupdate.exe")';

describe('ES|QL export: the seed\'s queries, with the documented differences only', () => {
  const services: Rewrite = {
    from: /process\.parent\.name=="services\.exe"/, to: 'to_lower(process.parent.name)=="services.exe"',
    documented: 'services.exe is compared case-insensitively',
  };
  // The allowlist is part of Longtail's hunt (spec section 3): removed before counting.
  const allowlist = (after: RegExp): Rewrite => ({ from: after, to: `$&${NEXT}${ALLOWLIST_CLAUSE}`, documented: 'removed before anything is counted' });

  it('unique binary (elastic-binary) equals seed query 1', () => {
    const q = esql({ params: huntParams('elastic-binary'), ...DEFAULTS });
    expect(q.warnings).toEqual([]);
    expect(blocks(q.text)).toHaveLength(1);
    const expected = rewriteSeed(clauses(esqlSeedQueries()[0]), [
      services,
      { from: /process\.code_signature\.trusted!=true/, to: '(process.code_signature.trusted is null or process.code_signature.trusted != true)', documented: 'Unknown signatures are kept' },
      allowlist(/^where host\.os\.family.*$/),
      {
        from: /^stats hosts=count_distinct\(host\.id\)by process\.hash\.sha256,process\.name$/,
        to: 'eval hash = case(process.hash.sha256 is not null, concat("sha256:", to_lower(process.hash.sha256)), ' +
          'process.hash.sha1 is not null, concat("sha1:", to_lower(process.hash.sha1)), process.hash.md5 is not null, concat("md5:", to_lower(process.hash.md5)))' +
          `${NEXT}where hash is not null${NEXT}eval name = to_lower(process.name)${NEXT}stats hosts = count_distinct(host.id) by hash, name`,
        documented: 'The hash key falls back to SHA-1, then MD5',
      },
    ]).flatMap((c) => c.split(NEXT));
    expect(clauses(q.text)).toEqual(expected);
  });

  it('unique path (elastic-path) equals seed query 2', () => {
    const q = esql({ params: huntParams('elastic-path'), ...DEFAULTS });
    expect(q.warnings).toEqual([]);
    const expected = rewriteSeed(clauses(esqlSeedQueries()[1]), [
      { from: /^from logs-system\.security-\*$/, to: 'from logs-endpoint.events.process-*, logs-windows.sysmon_operational-*, logs-system.security-*', documented: 'Every source, not only Security 4688' },
      { from: /event\.code=="4688" and event\.action=="created-process"/, to: 'event.action in ("start", "Process creation", "created-process")', documented: 'Every source, not only Security 4688' },
      services,
      allowlist(/^where host\.os\.family.*$/),
      { from: /^eval process_path=replace\(process_path,.*$/, to: `$&${NEXT}eval process_path = to_lower(process_path)`, documented: 'The path key is lowercased after the rules' },
    ]).flatMap((c) => c.split(NEXT));
    expect(clauses(q.text)).toEqual(expected);
  });

  it('names every difference in a comment next to its query', () => {
    const q = esql({ params: huntParams('any'), ...DEFAULTS }).text;
    const [binary, path, host] = blocks(q);
    expect(binary).toContain('// Difference: Unknown signatures are kept');
    expect(binary).toContain('// Difference: The hash key falls back to SHA-1, then MD5');
    expect(path).toContain('// Difference: Every source, not only Security 4688');
    expect(host).toContain('// Difference: Children are linked to their parent by process.entity_id');
  });

  it('follows the configured window and thresholds, not the seed\'s', () => {
    const q = esql({ params: huntParams('any', { window: { kind: 'days', days: 30 }, maxHosts: 3, maxLaunches: 4, includeTrusted: true }), ...DEFAULTS }).text;
    const [binary, path, host] = blocks(q).map(clauses);
    expect(binary).toContain('where @timestamp>now()-30 day');
    expect(binary).toContain('where hosts<=3');
    expect(binary!.join('|')).not.toContain('code_signature');
    expect(path).toContain('where hosts<=3');
    expect(host).toContain('where launches>=1 and launches<4');
    const range = esql({ params: huntParams('elastic-path', { window: { kind: 'range', from: '2024-01-01T00:00:00.1234567Z', to: null } }), ...DEFAULTS }).text;
    expect(clauses(range)).toContain('where @timestamp>=to_datetime("2024-01-01T00:00:00.123Z")');
    const all = esql({ params: huntParams('elastic-path', { window: { kind: 'all' } }), ...DEFAULTS }).text;
    expect(all).not.toContain('@timestamp');
  });

  it('warns that ES|QL cannot join the measures, and how to read several results', () => {
    expect(esql({ params: huntParams('any', { match: 'all' }), ...DEFAULTS }).warnings.join(' ')).toMatch(/found in every result/);
    expect(esql({ params: huntParams('any'), ...DEFAULTS }).warnings.join(' ')).toMatch(/at least one result/);
  });

  it('counts launches per host by linking each start to its parent\'s entity id', () => {
    const host = clauses(blocks(esql({ params: huntParams('defender-host'), ...DEFAULTS }).text)[0]!);
    expect(host).toContain('mv_expand link');
    expect(host).toContain('where is_service==1 and is_allowlisted==0');
    expect(host.join('|')).toContain('in("svchost.exe","mssense.exe","msmpeng.exe","searchindexer.exe","microsoftedgeupdate.exe")');
  });
});

describe('ES|QL export: every variant lexes, hostile values stay data', () => {
  for (const v of variants()) {
    it(v.label, () => {
      const q = esql(v);
      const tokens = lexEsql(q.text);
      expect(tokens.filter((t) => t.kind === 'word' && t.text === 'from')).toHaveLength(v.params.measures.length);
      // Parentheses balance in every query.
      let depth = 0;
      for (const t of tokens) {
        if (t.text === '(') depth++;
        if (t.text === ')') depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    });
  }

  it('every hostile value is one string holding exactly that value', () => {
    const hostile = esql({ params: huntParams('any'), allowlist: HOSTILE_ALLOWLIST, pathRules: HOSTILE_RULES });
    const plain = esql({ params: huntParams('any'), allowlist: PLAIN_ALLOWLIST, pathRules: HOSTILE_RULES });
    expect(esqlShape(hostile.text)).toEqual(esqlShape(plain.text));
    const values = new Set(lexEsql(hostile.text).flatMap((t) => (t.kind === 'string' ? [t.value] : [])));
    for (const v of HOSTILE_VALUES) {
      expect(values).toContain(v.toLowerCase());
      expect(values).toContain(globToLike(`C:\\Program Files\\${v}\\*`));
    }
  });

  it('keeps invisible characters out of comments, and warns that strings hold them raw', () => {
    const q = esql({ params: huntParams('any'), allowlist: HOSTILE_ALLOWLIST, pathRules: [] });
    const comments = q.text.split('\n').filter((l) => l.startsWith('//'));
    expect(comments.join('\n')).not.toMatch(/[\u202e\u200b]/);
    expect(comments.join('\n')).toContain('report<U+202E>txt.exe<U+200B>');
    expect(q.warnings.join(' ')).toMatch(/invisible or direction-changing/);
    expect(esql({ params: huntParams('any'), ...DEFAULTS }).warnings.join(' ')).not.toMatch(/invisible/);
  });

  it('writes rules as Java regular expressions with literal replacements', () => {
    const q = esql({ params: huntParams('elastic-path'), allowlist: [], pathRules: HOSTILE_RULES }).text;
    const strings = lexEsql(q).flatMap((t) => (t.kind === 'string' ? [t.value] : []));
    // `$&` and `\1` in a replacement are literal text in Longtail: escaped for replaceAll.
    expect(strings).toContain('\\\\Temp\\\\\\$&\\\\1');
    expect(strings).toContain('" | where true //');
    expect(strings).toContain('(?<ver>v\\d+)');
    expect(strings).toContain('\\x{41}\\x{42}\\x{A}\\x{0}[\\x{8}]');
  });
});
