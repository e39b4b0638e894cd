// Path rules and allowlist globs written for RE2 (Kusto) and java.util.regex (ES|QL):
// the same matches as Longtail's own JavaScript, or a clear reason why not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { globToLike, globToRe2, portRegex, portReplacement } from '../../src-core/query/regex-port.js';
import { globMatcher } from '../../src-core/hunt/allowlist.js';
import { DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';

/** An RE2 pattern of the subset portRegex writes, read back as a JavaScript RegExp. */
function re2AsJs(pattern: string, flags = ''): RegExp {
  let p = pattern.replace(/\\x\{([0-9A-F]+)\}/g, (_, h: string) => `\\u${h.padStart(4, '0')}`).replace(/\(\?P</g, '(?<');
  let f = flags;
  const inline = /^\(\?([is]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    f += inline[1];
  }
  return new RegExp(p, f);
}

describe('portRegex', () => {
  it('keeps the default rules as the ES|QL seed writes them, for both engines', () => {
    for (const rule of DEFAULT_PATH_RULES) {
      expect(portRegex(rule.pattern, 're2')).toEqual({ pattern: rule.pattern, problem: null });
      expect(portRegex(rule.pattern, 'java')).toEqual({ pattern: rule.pattern, problem: null });
    }
  });

  it.each([
    ['(?<ver>v\\d+)', '(?P<ver>v\\d+)', '(?<ver>v\\d+)'],
    ['\\u0041\\x42', '\\x{41}\\x{42}', '\\x{41}\\x{42}'],
    ['[\\b]\\b', '[\\x{8}]\\b', '[\\x{8}]\\b'],
    ['\\cJ\\0\\v', '\\x{A}\\x{0}\\x{B}', '\\x{A}\\x{0}\\x{B}'],
    // Outside the u flag, \p and \q are the letters themselves.
    ['\\p{L}\\q', 'p{L}q', 'p\\{L\\}q'],
    ['a{2,3}b{', 'a{2,3}b{', 'a{2,3}b\\{'],
    ['[a&&b[c]', '[a&&b[c]', '[a\\&\\&b\\[c]'],
    ['\\.\\-\\_\\$', '\\.\\-\\_\\$', '\\.\\-\\_\\$'],
  ])('%s → RE2 %s, Java %s', (js, re2, java) => {
    expect(portRegex(js, 're2')).toEqual({ pattern: re2, problem: null });
    expect(portRegex(js, 'java')).toEqual({ pattern: java, problem: null });
  });

  it.each([
    ['foo(?=bar)', 'lookaround'], ['(?<!x)y', 'lookaround'], ['(a)\\1', 'backreference'], ['(?<n>a)\\k<n>', 'named backreference'],
  ])('RE2 cannot run %s (%s); Java can', (js, what) => {
    expect(portRegex(js, 're2').problem).toContain(what);
    expect(portRegex(js, 'java').problem).toBeNull();
  });

  it.each([['[]'], ['a[^]b'], ['[abc'], ['abc\\']])('neither engine takes %s', (js) => {
    expect(portRegex(js, 're2').pattern).toBeNull();
    expect(portRegex(js, 'java').pattern).toBeNull();
  });

  it('matches what the JavaScript rule matches, on paths built from its own pieces', () => {
    const pieces = ['C:\\Users\\', 'bob', 'a1b2-c3d4', '12345678-1234-1234-1234-123456789abc', 'nsaB12.tmp', '7zAB123.tmp', 'setup_1.2.3.exe', '\\x', '{', '}', 'v12', 'é'];
    const patterns = [...DEFAULT_PATH_RULES.map((r) => r.pattern), '(?<ver>v\\d+)', '\\u0041|b{', '[\\b\\d]+', 'x{2}'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), fc.constantFrom(...patterns), (parts, pattern) => {
      const text = parts.join('');
      const js = new RegExp(pattern, 'g');
      const ported = re2AsJs(portRegex(pattern, 're2').pattern!, 'g');
      expect(text.replace(ported, '')).toBe(text.replace(js, ''));
    }), { numRuns: 500 });
  });
});

describe('portReplacement', () => {
  it('keeps replacements literal: RE2 rewrites read \\\\, Java reads \\ and $', () => {
    expect(portReplacement('C:\\users\\user\\', 're2')).toBe('C:\\\\users\\\\user\\\\');
    expect(portReplacement('C:\\users\\user\\', 'java')).toBe('C:\\\\users\\\\user\\\\');
    expect(portReplacement('$1 \\1 $&', 'java')).toBe('\\$1 \\\\1 \\$&');
    expect(portReplacement('$1 \\1', 're2')).toBe('$1 \\\\1');
  });
});

describe('globs', () => {
  it('globToRe2 matches exactly what the allowlist glob matches', () => {
    const chars = fc.constantFrom('a', 'B', '\\', '.', '*', '?', '(', ']', '^', '$', '|', '+', '{', 'é', ' ');
    fc.assert(fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: chars, maxLength: 12 }), (glob, text) => {
      expect(re2AsJs(globToRe2(glob)).test(text)).toBe(globMatcher(glob)(text));
    }), { numRuns: 3000 });
  });

  it('globToLike keeps * and ? as wildcards and every backslash literal, over lowercase', () => {
    expect(globToLike('C:\\Program Files\\*\\X?.EXE')).toBe('c:\\\\program files\\\\*\\\\x?.exe');
  });
});
