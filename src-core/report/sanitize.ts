// Attacker-controlled text (command lines, paths) stays data in every output.

/** Characters a spreadsheet treats as the start of a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Prefixes `'` to a cell a spreadsheet would evaluate, so it shows as text. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

// C0/C1 controls (ANSI escapes start with ESC), DEL, and Unicode bidi/invisible
// format characters that could reorder or hide text on a terminal or screen.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Makes control and bidi characters visible as `\u{…}` (terminal tables, UI labels). */
export function visibleControls(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/** For one-line displays: also shows tabs and newlines. */
export function oneLine(text: string): string {
  return visibleControls(text).replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
