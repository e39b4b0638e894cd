// String literals and comments for the two query languages. Every value taken from the
// allowlist, the path rules or the case is attacker-influenced (an allowlist file can be
// imported; host names come from logs), so it is written only through these functions:
// a value can never end its string or its comment early.

/** Line ends in any of the languages' lexers, and every other control character. */
const LINE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * Invisible and direction-changing characters (zero-width, bidi embeddings, overrides
 * and isolates, BOM): harmless to a lexer, but they make a query read differently from
 * what it runs ("Trojan Source"), so they are never written raw where an escape exists.
 */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** Whether the text holds an invisible or direction-changing character. */
export function hasInvisible(text: string): boolean {
  return /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(text);
}

/** Text for a `//` comment: one line, no control characters, invisible ones shown as <U+202E>. */
export function commentText(text: string): string {
  return text
    .replace(INVISIBLE, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(LINE_OR_CONTROL, ' ');
}

function hex4(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * A KQL string literal with the given value. Verbatim (`@"…"`, quotes doubled, no other
 * escapes) when the value has no control or invisible character, so regular expressions
 * and Windows paths read as written; otherwise a regular literal with `\\`, `\"` and
 * `\uXXXX` escapes (a line break may not appear raw in either form).
 */
export function kqlString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `@"${value.replace(/"/g, '""')}"`;
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c).replace(LINE_OR_CONTROL, hex4).replace(INVISIBLE, hex4)}"`;
}

/** A KQL literal for a value without backslashes or quotes, kept plain (`"services.exe"`). */
export function kqlPlain(value: string): string {
  return /^[\w .:-]*$/.test(value) ? `"${value}"` : kqlString(value);
}

/**
 * An ES|QL string literal. The lexer knows `\t \n \r \" \\` in a quoted string; a
 * triple-quoted string (no escapes at all) is used for values with backslashes and no
 * quote or line break, as the seed writes its regular expressions. ES|QL strings have no
 * escape for other characters: invisible ones stay raw (esql.ts warns).
 */
export function esqlString(value: string): string {
  if (value.includes('\\') && !/["\r\n]/.test(value)) return `"""${value}"""`;
  return esqlQuoted(value);
}

/** An ES|QL literal that always uses escapes (the seed writes replacements this way). */
export function esqlQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}
