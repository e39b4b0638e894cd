// The spread of hunts the query tests export: every preset, measure combinations, both
// match modes, each kind of window, thresholds, trusted binaries kept or not, and
// allowlists and path rules from empty to hostile.
import type { AllowEntryInput, HuntParams, PathRuleInput } from '../../src-core/model/hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { DEFAULT_ALLOWLIST, DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';

const entry = (kind: AllowEntryInput['kind'], value: string, hosts: string[] | null = null, reason = ''): AllowEntryInput =>
  ({ kind, value, hosts, reason, enabled: true });

/**
 * Strings built to end a string literal, a comment or a statement early in KQL or ES|QL,
 * or to be read as a regular expression, a glob or a LIKE pattern.
 */
export const HOSTILE_VALUES = [
  'evil".exe',
  'a\\"b',
  '" or 1==1 or "',
  '""" | where true //',
  '@"x" | project',
  'x\\',
  '\\\\server\\share\\*',
  'line\nbreak | where true',
  'cr\rlf',
  'tab\there',
  'u2028\u2028next',
  '*/ | limit 0 /*',
  '// not a comment',
  '\') | where true | project (\'',
  '$1\\1${x}',
  '.*(?=x)[a-z]{2,}|^$',
  '`back`',
  'nul\u0000end',
  'ünïcødé.exe',
  'report\u202Etxt.exe\u200B',
];

/** Five entries per value (every kind, scoped and not); reasons that try to end their comment. */
export function allowlistOf(values: readonly string[]): AllowEntryInput[] {
  return values.flatMap((v, i) => [
    entry('name', v, null, `reason\nwith | where true ${i} \u2028 | where true`),
    entry('name', v, [`host${i}`, v.toLowerCase()]),
    entry('path', `C:\\Program Files\\${v}\\*`),
    entry('signer', v),
    // An algorithm prefix only where `sha1:(.+)` reads it as one (hunt/allowlist.ts: `.` stops at a line break).
    // (Decided on the hostile value, so the plain twin has the same entries.)
    entry('hash', i % 2 && !/[\r\n\u2028\u2029]/.test(HOSTILE_VALUES[i] ?? '') ? `sha1:${v}` : v),
  ]);
}

export const HOSTILE_ALLOWLIST = allowlistOf(HOSTILE_VALUES);

/** The same allowlist with each hostile value replaced by a plain word. */
export const PLAIN_ALLOWLIST = allowlistOf(HOSTILE_VALUES.map((_, i) => `plain${i}`));

/** Path rules a user might write, with hostile patterns and replacements. */
export const HOSTILE_RULES: PathRuleInput[] = [
  ...DEFAULT_PATH_RULES,
  { pattern: '"\\)\\s*\\|', replacement: '" | where true //', description: 'quote', enabled: true },
  { pattern: '\\\\Temp\\\\[^\\\\]+', replacement: '\\Temp\\$&\\1', description: 'backslashes, $ and \\1 stay literal', enabled: true },
  { pattern: '"""', replacement: '"""', description: 'triple quote', enabled: true },
  { pattern: '\\u0041\\x42\\cJ\\0[\\b]', replacement: '', description: 'escapes', enabled: true },
  { pattern: '(?<ver>v\\d+)', replacement: '', description: 'named group', enabled: true },
];

/** Rules RE2 cannot run: each must be left out of KQL with a warning. */
export const RE2_UNPORTABLE: PathRuleInput[] = [
  { pattern: 'foo(?=bar)', replacement: '', description: 'lookahead', enabled: true },
  { pattern: '(a)\\1', replacement: '', description: 'backreference', enabled: true },
];

export interface Variant {
  label: string;
  params: HuntParams;
  allowlist: AllowEntryInput[];
  pathRules: PathRuleInput[];
}

const allowlists: Array<[string, AllowEntryInput[]]> = [
  ['default allowlist', [...DEFAULT_ALLOWLIST]],
  ['empty allowlist', []],
  ['scoped allowlist', [...DEFAULT_ALLOWLIST, entry('name', 'agent.exe', ['ws01', 'ws02']), entry('path', 'c:\\program files\\vendor\\*'),
    entry('hash', 'sha256:' + 'AB'.repeat(32)), entry('hash', 'd41d8cd98f00b204e9800998ecf8427e'), entry('signer', 'Vendor Ltd'),
    { ...entry('name', 'disabled.exe'), enabled: false }]],
  ['hostile allowlist', HOSTILE_ALLOWLIST],
];

export function variants(): Variant[] {
  const out: Variant[] = [];
  const presets = ['elastic-binary', 'elastic-path', 'defender-host', 'any'] as const;
  for (const preset of presets) {
    for (const [label, allowlist] of allowlists) out.push({ label: `${preset}, ${label}`, params: huntParams(preset), allowlist, pathRules: [...DEFAULT_PATH_RULES] });
  }
  const base = (o: Partial<HuntParams>) => huntParams('any', o);
  const more: Array<[string, HuntParams]> = [
    ['binary+host, match all, 90d', base({ measures: ['binary', 'host'], match: 'all', window: { kind: 'days', days: 90 } })],
    ['path, window all', base({ measures: ['path'], window: { kind: 'all' } })],
    ['any, closed range', base({ window: { kind: 'range', from: '2024-01-01T00:00:00.0000000Z', to: '2024-01-31T23:59:59.9999999Z' } })],
    ['any, open start', base({ window: { kind: 'range', from: null, to: '2024-01-31T23:59:59.9999999Z' } })],
    ['any, open end', base({ window: { kind: 'range', from: '2024-01-01T12:30:00.1234567Z', to: null } })],
    ['host, window all, max launches 2', base({ measures: ['host'], window: { kind: 'all' }, maxLaunches: 2 })],
    ['binary, trusted kept, max hosts 3', base({ measures: ['binary'], includeTrusted: true, maxHosts: 3 })],
    ['path+binary, match all, max hosts 5', base({ measures: ['path', 'binary'], match: 'all', maxHosts: 5 })],
  ];
  for (const [label, params] of more) out.push({ label, params, allowlist: [...DEFAULT_ALLOWLIST], pathRules: [...DEFAULT_PATH_RULES] });
  out.push({ label: 'any, hostile rules and allowlist', params: huntParams('any'), allowlist: HOSTILE_ALLOWLIST, pathRules: HOSTILE_RULES });
  out.push({ label: 'any, no path rules', params: huntParams('any'), allowlist: [...DEFAULT_ALLOWLIST], pathRules: [] });
  out.push({ label: 'any, rules RE2 cannot run', params: huntParams('any'), allowlist: [...DEFAULT_ALLOWLIST], pathRules: [...DEFAULT_PATH_RULES, ...RE2_UNPORTABLE] });
  return out;
}
