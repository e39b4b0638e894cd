// Issue 12: the exported KQL parses and analyzes with no diagnostic in Microsoft's Kusto
// language service, against the Device* tables as Defender XDR and Sentinel define
// them, over every preset and a spread of options; hostile allowlist values and rules
// stay inside their strings; the defender-host export keeps every clause of the seed.
import { describe, expect, it } from 'vitest';
import { exportHuntQuery } from '../../src-core/query/export-query.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';
import { globToRe2 } from '../../src-core/query/regex-port.js';
import { analyzeKql, kqlShape, kqlStringValues } from './kusto.js';
import { HOSTILE_ALLOWLIST, HOSTILE_RULES, HOSTILE_VALUES, PLAIN_ALLOWLIST, RE2_UNPORTABLE, variants } from './hunt-variants.js';
import { clauses, kqlSeedQuery, rewriteSeed, type Rewrite } from './seed-queries.js';
import type { KqlTarget } from '../../src-core/query/query-types.js';

const TARGETS: KqlTarget[] = ['defender', 'sentinel'];
const GENERATED_AT = '2026-12-06T00:00:00.000Z';

function kql(v: Omit<Parameters<typeof exportHuntQuery>[0], 'dialect' | 'generatedAt'>, target: KqlTarget = 'defender') {
  return exportHuntQuery({ ...v, dialect: 'kql', target, generatedAt: GENERATED_AT });
}

describe('KQL export: the Kusto language service finds nothing wrong', () => {
  it('reports errors when there are some (the check is not vacuous)', () => {
    const q = kql({ params: huntParams('any'), allowlist: [...DEFAULT_ALLOWLIST], pathRules: [...DEFAULT_PATH_RULES] }).text;
    expect(analyzeKql(q, 'defender')).toEqual([]);
    // The Defender query on Sentinel's tables: there is no Timestamp there.
    expect(analyzeKql(q, 'sentinel').map((d) => d.code)).toContain('KS142');
    expect(analyzeKql(q.replace('ServiceProcessSigner = InitiatingProcessSignerType', 'ServiceProcessSigner = SignerType'), 'defender').length).toBeGreaterThan(0);
    expect(analyzeKql(q.replace('| where RareByBinary', '| wher RareByBinary'), 'defender').length).toBeGreaterThan(0);
  });

  for (const v of variants()) {
    for (const target of TARGETS) {
      it(`${v.label} (${target})`, () => {
        const q = kql(v, target);
        expect(analyzeKql(q.text, target)).toEqual([]);
        expect(q.text).toContain(target === 'sentinel' ? 'TimeGenerated' : 'Timestamp');
        const code = q.text.split('\n').filter((l) => !l.startsWith('//')).join('\n');
        if (target === 'sentinel') expect(code).not.toMatch(/\bTimestamp\b/);
      });
    }
  }
});

describe('KQL export: the hunt as configured', () => {
  it('carries the thresholds, match mode and trusted choice into the row filter', () => {
    const q = kql({ params: huntParams('any', { measures: ['binary', 'host'], match: 'all', maxHosts: 3, maxLaunches: 9 }), allowlist: [], pathRules: [] }).text;
    expect(q).toContain('BinaryHosts <= 3 and ServiceSignature != "trusted"');
    expect(q).toContain('LaunchesOnHost >= 1 and LaunchesOnHost < 9');
    expect(q).toContain('| where RareByBinary and RareByHost');
    const kept = kql({ params: huntParams('any', { measures: ['binary'], includeTrusted: true }), allowlist: [], pathRules: [] }).text;
    expect(kept).not.toContain('ServiceSignature != "trusted"');
    expect(kept).toContain('| where RareByBinary\n');
  });

  it('writes the window as ago(), a fixed range or nothing', () => {
    const days = kql({ params: huntParams('any', { window: { kind: 'days', days: 12 } }), allowlist: [], pathRules: [] });
    expect(days.text).toContain('let LookupTime = 12d;');
    expect(days.text).toContain('| where Timestamp > ago(LookupTime)');
    expect(days.text).toContain('| where ServiceProcessCreationTime > ago(LookupTime)');
    const range = kql({ params: huntParams('any', { window: { kind: 'range', from: '2024-01-01T00:00:00.0000000Z', to: '2024-01-02T00:00:00.5000000Z' } }), allowlist: [], pathRules: [] });
    expect(range.text).toContain('let WindowStart = datetime(2024-01-01T00:00:00.0000000Z);');
    expect(range.text).toContain('| where Timestamp between (WindowStart .. WindowEnd)');
    const all = kql({ params: huntParams('any', { window: { kind: 'all' } }), allowlist: [], pathRules: [] });
    expect(all.text).not.toMatch(/ago\(|between/);
    expect(all.warnings.join(' ')).toMatch(/30 days/);
    expect(kql({ params: huntParams('any', { window: { kind: 'all' } }), allowlist: [], pathRules: [] }, 'sentinel').warnings.join(' ')).not.toMatch(/30 days/);
  });

  it('applies the path rules in order as RE2 replace_regex, then lowercases', () => {
    const q = kql({ params: huntParams('any'), allowlist: [], pathRules: [...DEFAULT_PATH_RULES] }).text;
    const fn = q.split('\n').find((l) => l.startsWith('let PathKey'))!;
    expect(fn).toBe(
      'let PathKey = (path: string) { tolower(replace_regex(replace_regex(path, ' +
      '@"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|ns[a-z][A-Z0-9]{3,4}\\.tmp|DX[A-Z0-9]{3,4}\\.tmp|7z[A-Z0-9]{3,5}\\.tmp|[0-9\\.\\-\\_]{3,})", @""), ' +
      // RE2's rewrite reads \\ as one backslash: C:\users\user\ as Longtail writes it.
      '@"[cC]:\\\\[uU][sS][eE][rR][sS]\\\\[a-zA-Z0-9\\.\\-\\_\\$~]+\\\\", @"C:\\\\users\\\\user\\\\")) };',
    );
    const disabled = kql({ params: huntParams('any'), allowlist: [], pathRules: [{ ...DEFAULT_PATH_RULES[0]!, enabled: false }] }).text;
    expect(disabled).toContain('let PathKey = (path: string) { tolower(path) };');
  });

  it('leaves out a rule RE2 cannot run, says so in a comment and warns', () => {
    const q = kql({ params: huntParams('any'), allowlist: [], pathRules: [...DEFAULT_PATH_RULES, ...RE2_UNPORTABLE] });
    expect(q.warnings).toEqual([
      'Path rule 3 is left out of the KQL query: its pattern uses a lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support.',
      'Path rule 4 is left out of the KQL query: its pattern uses a backreference (\\1), which RE2 does not support.',
    ]);
    for (const w of q.warnings) expect(q.text).toContain(`// Warning: ${w}`);
    expect(q.text).not.toContain('foo(?=bar)');
    expect(analyzeKql(q.text, 'defender')).toEqual([]);
  });

  it('puts names for every host in the WhiteList and the other entries in one filter', () => {
    const q = kql({
      params: huntParams('defender-host'), pathRules: [],
      allowlist: [...DEFAULT_ALLOWLIST,
        { kind: 'name', value: 'Agent.EXE', hosts: ['WS01'], reason: '', enabled: true },
        { kind: 'hash', value: 'SHA256:ABCD', hosts: null, reason: '', enabled: true },
        { kind: 'hash', value: 'ABCD', hosts: null, reason: '', enabled: true },
        { kind: 'path', value: 'C:\\Tools\\*.exe', hosts: null, reason: '', enabled: true },
        { kind: 'signer', value: 'Vendor', hosts: null, reason: '', enabled: false }],
    }).text;
    expect(q).toContain('let WhiteList = pack_array(\n"svchost.exe",\n"mssense.exe",\n"msmpeng.exe",\n"searchindexer.exe",\n"microsoftedgeupdate.exe"\n);');
    expect(q).toContain('(HostKey(DeviceName) in (@"ws01") and InitiatingProcessFileName =~ @"Agent.EXE")');
    expect(q).toContain('or InitiatingProcessSHA256 =~ @"abcd"');
    expect(q).toContain('or (InitiatingProcessSHA256 =~ @"abcd" or InitiatingProcessSHA1 =~ @"abcd" or InitiatingProcessMD5 =~ @"abcd")');
    expect(q).toContain('matches regex @"(?is)^C:\\\\Tools\\\\.*\\.exe$"');
    expect(q).not.toContain('Vendor');
  });
});

it('warns that signer entries only meet rows of DeviceProcessEvents', () => {
  const signer = { kind: 'signer' as const, value: 'Vendor', hosts: null, reason: '', enabled: true };
  const q = kql({ params: huntParams('any'), allowlist: [signer], pathRules: [] });
  expect(q.warnings).toEqual([expect.stringMatching(/^Signer entries match InitiatingProcessSignerType, which only DeviceProcessEvents has/)]);
  expect(q.text).toContain('| where not(ServiceProcessSigner =~ @"Vendor")');
  expect(kql({ params: huntParams('any'), allowlist: [{ ...signer, enabled: false }], pathRules: [] }).warnings).toEqual([]);
});

describe('KQL export: hostile allowlist entries and rules stay data', () => {
  for (const target of TARGETS) {
    it(`every value is one string literal holding exactly that value (${target})`, () => {
      const hostile = kql({ params: huntParams('any'), allowlist: HOSTILE_ALLOWLIST, pathRules: HOSTILE_RULES }, target);
      const plain = kql({ params: huntParams('any'), allowlist: PLAIN_ALLOWLIST, pathRules: HOSTILE_RULES }, target);
      expect(analyzeKql(hostile.text, target)).toEqual([]);
      // Same tokens as the same hunt over plain words: nothing ended a string or a comment early.
      expect(kqlShape(hostile.text)).toEqual(kqlShape(plain.text));
      const values = new Set(kqlStringValues(hostile.text));
      for (const v of HOSTILE_VALUES) {
        expect(values).toContain(v.toLowerCase()); // the WhiteList and host scopes
        expect(values).toContain(v); // signer, scoped name
        expect(values).toContain(globToRe2(`C:\\Program Files\\${v}\\*`));
      }
    });
  }

  it('writes control characters as escapes, never raw', () => {
    const q = kql({ params: huntParams('defender-host'), allowlist: HOSTILE_ALLOWLIST, pathRules: [] }).text;
    const code = q.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    expect(code).not.toMatch(/[\u0000\r\u2028]/);
    // Nor invisible or direction-changing ones, in code or comments ("Trojan Source").
    expect(q).not.toMatch(/[\u202e\u200b]/);
    expect(code).toContain('"report\\u202etxt.exe\\u200b"');
    expect(q).toContain('report<U+202E>txt.exe<U+200B>');
    expect(code).toContain('"line\\u000abreak | where true"');
  });
});

describe('KQL export: defender-host keeps the seed, clause by clause', () => {
  const rewrites: Rewrite[] = [
    { from: /InitiatingProcessParentFileName contains "services\.exe"/, to: 'InitiatingProcessParentFileName=~"services.exe"', documented: 'not `contains`' },
    { from: /^(project Timestamp,DeviceName,StartedChildProcess=.*ServiceProcessUser=InitiatingProcessAccountName)\)$/, to: '$1,ServiceProcessKey=tolower(InitiatingProcessFileName))', documented: 'names compared case-insensitively' },
    { from: /^summarize count\(\)by ServiceProcess,DeviceName$/, to: 'summarize count()by ServiceProcessKey,DeviceName', documented: 'names compared case-insensitively' },
    { from: /^join kind=inner GetServices on ServiceProcess,DeviceName$/, to: 'join kind=inner GetServices on ServiceProcessKey,DeviceName', documented: 'names compared case-insensitively' },
    { from: /NetworkAction=ActionType,RemoteIP,RemoteUrl\)/, to: 'NetworkAction=ActionType,RemoteIP,RemoteUrl,RemotePort)', documented: 'Remote ports and DLL paths are gathered too' },
    { from: /DLLSHA1=make_set\(LoadedDLLSHA1\)by /, to: 'DLLSHA1=make_set(LoadedDLLSHA1),ConnectedPorts=make_set(RemotePort),DLLPaths=make_set(LoadedDLLPath),LaunchesOnHost=take_any(count_)by ', documented: 'Remote ports and DLL paths are gathered too' },
  ];

  for (const target of TARGETS) {
    it(`every seed clause is there, in order, changed only as documented (${target})`, () => {
      const q = kql({ params: huntParams('defender-host'), allowlist: [...DEFAULT_ALLOWLIST], pathRules: [...DEFAULT_PATH_RULES] }, target).text;
      let seed = rewriteSeed(clauses(kqlSeedQuery()), rewrites);
      if (target === 'sentinel') seed = seed.map((c) => c.replace(/\bTimestamp\b/g, 'TimeGenerated'));
      const generated = clauses(q);
      let at = 0;
      for (const clause of seed) {
        const found = generated.indexOf(clause, at);
        expect(found, `seed clause not found in order: ${clause}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
      for (const r of rewrites) expect(q).toContain(r.documented);
      expect(analyzeKql(q, target)).toEqual([]);
    });
  }

  it('follows the configured threshold and window, not the seed\'s', () => {
    const q = kql({ params: huntParams('defender-host', { maxLaunches: 3, window: { kind: 'days', days: 14 } }), allowlist: [...DEFAULT_ALLOWLIST], pathRules: [] }).text;
    expect(clauses(q)).toContain('where count_<3');
    expect(clauses(q)).toContain('let LookupTime=14d');
  });
});
