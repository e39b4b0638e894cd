// Attacker-controlled text (command lines, paths, names, notes) is shown as data: the
// characters that could hide or reorder it on screen are made visible. Mirrors
// src-core/report/sanitize.ts `visibleControls` (the renderer may not import it).

// C0/C1 controls (ANSI escapes start with ESC), DEL, and Unicode bidi/invisible
// format characters that could reorder or hide text on a screen.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// For one-line displays (table cells, titles): tabs and line breaks too.
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

// As the core: on one line, tabs and line feeds read `\t` and `\n`; a carriage return is a
// C0 control like the others (`\u{d}`).
const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n' };

/** How one hidden character is written: `\u{202e}` (on one line, tabs and line feeds as `\t`, `\n`). */
export function escapeControl(ch: string, oneLine = false): string {
  if (oneLine && NAMED[ch] !== undefined) return NAMED[ch];
  return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
}

/** Makes control and bidi characters visible as `\u{…}` (as the core's visibleControls). */
export function visibleControls(text: string): string {
  return text.replace(UNSAFE, (ch) => escapeControl(ch));
}

/** For one-line displays and tooltips: also shows tabs and line breaks. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, (ch) => escapeControl(ch, true));
}

const ANY_HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/**
 * The lines (from 1) of multi-line text that hold a character `visibleControls` would
 * rewrite: where a text box, which cannot style them, may show the text hidden or reordered.
 */
export function linesWithControls(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (ANY_HIDDEN.test(line)) out.push(i + 1);
  });
  return out;
}

export interface Segment {
  text: string;
  /** True when `text` is the visible form of a hidden character (styled apart). */
  control: boolean;
}

/** Splits text into plain runs and escaped hidden characters, for styled display. */
export function controlSegments(text: string, single = false): Segment[] {
  const re = single ? UNSAFE_ONE_LINE : UNSAFE;
  const out: Segment[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), control: false });
    const prev = out[out.length - 1];
    const esc = escapeControl(m[0], single);
    // Adjacent hidden characters make one styled run.
    if (prev?.control) prev.text += esc;
    else out.push({ text: esc, control: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), control: false });
  return out;
}

const ANY_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** True when the text holds a character `oneLine` would rewrite (controls, bidi, tabs, line breaks). */
export function hasControls(text: string): boolean {
  return ANY_UNSAFE.test(text);
}
