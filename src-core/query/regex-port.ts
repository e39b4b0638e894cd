// Path rules are JavaScript regular expressions (compiled without flags, applied with
// `g`: hunt/path-rules.ts). Kusto runs RE2 and ES|QL runs java.util.regex. This turns a
// rule into each engine's spelling of the same expression, or says what that engine
// cannot express. It walks the pattern token by token rather than rewriting it with
// regular expressions, so an escape is never mistaken for what it escapes.

export type Engine = 're2' | 'java';

export interface Ported {
  /** The expression for the engine, or null when it cannot be expressed there. */
  pattern: string | null;
  /** Why not, in words for a query comment and a CLI warning. */
  problem: string | null;
}

const hex = (code: number) => code.toString(16).toUpperCase();
/** One code unit as an engine escape: RE2 `\x{41}`, Java `\x{41}` (Java 7+). */
const codeEscape = (code: number) => `\\x{${hex(code)}}`;

/**
 * Escapes both engines read as JavaScript does outside the u flag. Letters the engines
 * give other meanings (or reject) are handled one by one in portEscape.
 */
const SAME_LETTER_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'n', 'r', 't', 'f']);

function portEscape(src: string, i: number, inClass: boolean, engine: Engine): { text: string; next: number; problem?: string } {
  const c = src[i + 1];
  if (c === undefined) return { text: '', next: i + 1, problem: 'ends with a lone backslash' };
  if (SAME_LETTER_ESCAPES.has(c)) return { text: `\\${c}`, next: i + 2 };
  if (c === 'b' || c === 'B') {
    // In a class JavaScript's \b is a backspace; outside, a word boundary.
    if (inClass) return c === 'b' ? { text: codeEscape(8), next: i + 2 } : { text: 'B', next: i + 2 };
    return { text: `\\${c}`, next: i + 2 };
  }
  if (c === 'v') return { text: codeEscape(0x0b), next: i + 2 }; // Java's \v is a class
  if (c === '0' && !/[0-9]/.test(src[i + 2] ?? '')) return { text: codeEscape(0), next: i + 2 };
  if (/[1-9]/.test(c)) {
    if (inClass) return { text: '', next: i + 2, problem: `uses an octal escape \\${c} in a class` };
    if (engine === 'java') {
      const digits = /^[0-9]+/.exec(src.slice(i + 1))![0];
      return { text: `\\${digits}`, next: i + 1 + digits.length };
    }
    return { text: '', next: i + 2, problem: `uses a backreference (\\${c}), which RE2 does not support` };
  }
  if (c === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) {
    return { text: codeEscape(parseInt(src.slice(i + 2, i + 4), 16)), next: i + 4 };
  }
  if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
    return { text: codeEscape(parseInt(src.slice(i + 2, i + 6), 16)), next: i + 6 };
  }
  if (c === 'c' && /^[a-zA-Z]$/.test(src[i + 2] ?? '')) {
    return { text: codeEscape(src.charCodeAt(i + 2) % 32), next: i + 3 };
  }
  if (c === 'k' && src[i + 2] === '<' && !inClass) {
    if (engine === 'java') {
      const end = src.indexOf('>', i + 3);
      if (end > 0) return { text: src.slice(i, end + 1), next: end + 1 };
    }
    return { text: '', next: i + 2, problem: 'uses a named backreference (\\k<…>), which RE2 does not support' };
  }
  if (/[a-zA-Z]/.test(c)) {
    // Outside the u flag JavaScript reads \q, \p, \e … as the letter itself; the
    // engines reject or reinterpret them.
    return { text: c, next: i + 2 };
  }
  if (c.charCodeAt(0) >= 128) return { text: codeEscape(c.charCodeAt(0)), next: i + 2 };
  // Punctuation: itself in every engine.
  return { text: `\\${c}`, next: i + 2 };
}

/** The expression `pattern` (a JavaScript RegExp source, no flags) in `engine`'s syntax. */
export function portRegex(pattern: string, engine: Engine): Ported {
  let out = '';
  let inClass = false;
  let i = 0;
  const fail = (why: string): Ported => ({ pattern: null, problem: why });
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const e = portEscape(pattern, i, inClass, engine);
      if (e.problem) return fail(e.problem);
      out += e.text;
      i = e.next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      else if (ch === '&' && engine === 'java') {
        // `&&` intersects classes in Java; JavaScript reads it as two ampersands.
        out += '\\&';
        i++;
        continue;
      }
      else if (ch === '[' && engine === 'java') {
        // A nested '[' is a literal in JavaScript, a nested class in Java.
        out += '\\[';
        i++;
        continue;
      }
      out += ch;
      i++;
      continue;
    }
    if (ch === '[') {
      if (pattern.startsWith('[]', i) || pattern.startsWith('[^]', i)) {
        return fail('uses an empty class ([] or [^]), which only JavaScript has');
      }
      inClass = true;
      out += ch;
      // A ']' right after '[' or '[^' closes the class in JavaScript, not in the engines.
      i++;
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (ch === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        if (engine === 're2') return fail('uses a lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support');
        out += '(?';
        i += 2;
        continue;
      }
      if (rest.startsWith('<')) {
        // A named group: RE2 spells it (?P<name>.
        out += engine === 're2' ? '(?P<' : '(?<';
        i += 3;
        continue;
      }
    }
    if (ch === '{' && engine === 'java' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      // JavaScript reads a '{' that starts no quantifier as itself; Java rejects it.
      out += '\\{';
      i++;
      continue;
    }
    if (ch === '}' && engine === 'java') {
      // Quantifier braces were copied whole above; any other '}' is a literal.
      out += '\\}';
      i++;
      continue;
    }
    if (ch === '{') {
      const q = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length;
        continue;
      }
    }
    if (ch.charCodeAt(0) < 0x20) {
      out += codeEscape(ch.charCodeAt(0));
      i++;
      continue;
    }
    out += ch;
    i++;
  }
  if (inClass) return fail('has an unclosed class');
  return { pattern: out, problem: null };
}

/**
 * The replacement text (literal in Longtail: hunt/path-rules.ts replaces with a function
 * so `$` stays itself) in the engine's rewrite syntax: RE2 reads `\digit` as a group and
 * `\\` as a backslash; Java's replaceAll reads `$` and `\` specially.
 */
export function portReplacement(replacement: string, engine: Engine): string {
  return engine === 're2' ? replacement.replace(/\\/g, '\\\\') : replacement.replace(/[\\$]/g, (c) => '\\' + c);
}

const RE2_META = /[\\.+*?()|[\]{}^$]/;

/**
 * A path glob (`*` any run, `?` one character, the rest literal; case-insensitive,
 * whole text: hunt/allowlist.ts) as an RE2 expression.
 */
export function globToRe2(glob: string): string {
  let out = '(?is)^';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (RE2_META.test(ch)) out += '\\' + ch;
    else if (ch.charCodeAt(0) < 0x20) out += codeEscape(ch.charCodeAt(0));
    else out += ch;
  }
  return out + '$';
}

/** The same glob as an ES|QL LIKE pattern over lowercased text (`*`, `?`, `\` escapes). */
export function globToLike(glob: string): string {
  return glob.toLowerCase().replace(/\\/g, '\\\\');
}
