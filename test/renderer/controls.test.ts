// The renderer's control-character helper: the same rule as the core's visibleControls
// (mirrored, since the renderer may not import it), and segments for styled display.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { controlSegments, escapeControl, hasControls, linesWithControls, oneLine, visibleControls } from '../../renderer/src/lib/controls.js';
import { oneLine as coreOneLine, visibleControls as coreVisible } from '../../src-core/report/sanitize.js';

describe('visibleControls (renderer)', () => {
  it('shows bidi overrides, ANSI escapes and invisible characters as \\u{…}', () => {
    expect(visibleControls('report\u202Etxt.exe')).toBe('report\\u{202e}txt.exe');
    expect(visibleControls('\u001b[31mred')).toBe('\\u{1b}[31mred');
    expect(visibleControls('a\u200Bb\uFEFFc\u2066d\u2069')).toBe('a\\u{200b}b\\u{feff}c\\u{2066}d\\u{2069}');
    expect(visibleControls('\u0000\u007f\u009f')).toBe('\\u{0}\\u{7f}\\u{9f}');
  });

  it('keeps ordinary text, markup and non-Latin scripts as they are', () => {
    const s = '<img src=x onerror=alert(1)> C:\\Windows\\System32\\cmd.exe /c "é ü 日本 עברית"';
    expect(visibleControls(s)).toBe(s);
    expect(visibleControls('line1\nline2\tx')).toBe('line1\nline2\tx');
  });

  it('is the core rule, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(visibleControls(s)).toBe(coreVisible(s));
      expect(oneLine(s)).toBe(coreOneLine(s));
    }), { numRuns: 2000 });
    for (let cp = 0; cp < 0x3000; cp++) {
      const ch = String.fromCodePoint(cp);
      expect(visibleControls(ch)).toBe(coreVisible(ch));
      expect(oneLine(ch)).toBe(coreOneLine(ch));
    }
    expect(visibleControls('\uFEFF')).toBe(coreVisible('\uFEFF'));
  });

  it('oneLine also shows tabs and line breaks', () => {
    expect(oneLine('a\tb\r\nc')).toBe('a\\tb\\u{d}\\nc');
    expect(escapeControl('\n', true)).toBe('\\n');
    expect(escapeControl('\n', false)).toBe('\\u{a}');
  });
});

describe('controlSegments', () => {
  it('splits plain runs from escaped characters, joining adjacent ones', () => {
    expect(controlSegments('ab\u202E\u202Dcd')).toEqual([
      { text: 'ab', control: false },
      { text: '\\u{202e}\\u{202d}', control: true },
      { text: 'cd', control: false },
    ]);
    expect(controlSegments('plain')).toEqual([{ text: 'plain', control: false }]);
    expect(controlSegments('')).toEqual([]);
    expect(controlSegments('\u202E')).toEqual([{ text: '\\u{202e}', control: true }]);
    expect(controlSegments('a\nb')).toEqual([{ text: 'a\nb', control: false }]);
    expect(controlSegments('a\nb', true)).toEqual([{ text: 'a', control: false }, { text: '\\n', control: true }, { text: 'b', control: false }]);
  });

  it('joined back, the segments are the visible form; no hidden character survives', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, single) => {
      const segs = controlSegments(s, single);
      const joined = segs.map((x) => x.text).join('');
      expect(joined).toBe(single ? oneLine(s) : visibleControls(s));
      expect(hasControls(segs.filter((x) => !x.control).map((x) => x.text).join('').replace(/[\t\n\r]/g, single ? '\u0000' : ''))).toBe(false);
    }), { numRuns: 2000 });
  });

  it('is stable across calls (no regex state leaks between strings)', () => {
    for (let i = 0; i < 3; i++) expect(controlSegments('x\u202Ey')).toHaveLength(3);
    expect(hasControls('x\u202E')).toBe(true);
    expect(hasControls('plain text')).toBe(false);
    expect(hasControls('tab\there')).toBe(true);
  });
});

describe('linesWithControls', () => {
  it('names the lines of a query that a text box may show reordered or hidden', () => {
    const text = ['// header', '| where Name !in~ ("report\u202Etxt.exe")', '| where A == "b"\t', '"zero\u200Bwidth"', ''].join('\n');
    expect(linesWithControls(text)).toEqual([2, 4]);
    expect(linesWithControls('plain\n\ttabbed\n')).toEqual([]);
    expect(linesWithControls('')).toEqual([]);
  });
});
