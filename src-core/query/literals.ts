// String literals and comments for the two query languages. Every value taken from the
// allowlist, the path rules or the case is attacker-influenced (an allowlist file can be
// imported; host names come from logs), so it is written only through these functions:
// a value can never end its string or its comment early.

/** Line ends in any of the languages' lexers, and every other control character. */
const LINE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text for a `//` comment: one line, no control characters. */
export function commentText(text: string): string {
  return text.replace(LINE_OR_CONTROL, ' ');
}

function hex4(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * A KQL string literal with the given value. Verbatim (`@"…"`, quotes doubled, no other
 * escapes) when the value has no control character, so regular expressions and Windows
 * paths read as written; otherwise a regular literal with `\\`, `\"` and `\uXXXX`
 * escapes (a line break may not appear raw in either form).
 */
export function kqlString(value: string): string {
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) return `@"${value.replace(/"/g, '""')}"`;
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c).replace(LINE_OR_CONTROL, hex4)}"`;
}

/** A KQL literal for a value without backslashes or quotes, kept plain (`"services.exe"`). */
export function kqlPlain(value: string): string {
  return /^[\w .:-]*$/.test(value) ? `"${value}"` : kqlString(value);
}

/**
 * An ES|QL string literal. The lexer knows `\t \n \r \" \\` in a quoted string; a
 * triple-quoted string (no escapes at all) is used for values with backslashes and no
 * quote or line break, as the seed writes its regular expressions.
 */
export function esqlString(value: string): string {
  if (value.includes('\\') && !/["\r\n]/.test(value)) return `"""${value}"""`;
  return esqlQuoted(value);
}

/** An ES|QL literal that always uses escapes (the seed writes replacements this way). */
export function esqlQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}
