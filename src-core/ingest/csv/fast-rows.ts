// The rows of one window of CSV text, cut exactly as papaparse's Parser cuts them
// (one-character delimiter, newline LF, quote `"`, escape `""`) wherever papaparse would
// report no quote error and skips no whitespace after a closing quote; null for any other
// window, which the caller then hands to papaparse (decision 79). It is there for speed
// alone: a row, or the rest of a row, without a quote is cut by V8's `split`, and a
// quoted field is found with `indexOf`, where papaparse's loop looks at every field.
//
// Papaparse 5's reading (papaparse.js, `Parser.parse`), which this follows:
// - a field is quoted only when its first character is the quote; a quote anywhere else
//   is text;
// - a quoted field runs to a quote not followed by another (a pair is one quote in the
//   value); a quote that is the window's last character closes it whatever follows;
// - after the closing quote comes the delimiter or LF; papaparse also skips whitespace
//   (what `trim` removes) before them. This accepts CR LF, the one such case real files
//   have, and returns null for the rest, and for anything else after the quote
//   (papaparse's InvalidQuotes) or no closing quote at the end (MissingQuotes);
// - an unquoted field runs to the next delimiter or LF, whichever comes first;
// - a window that does not end the text holds its last, incomplete row back.

/** The complete rows of a window, and where the first incomplete one starts. */
export interface FastWindow {
  rows: string[][];
  /** Each row's first line, counted in LFs from the window's start. */
  lines: number[];
  /** Where each row's text ends: its LF, or the end of the text. */
  ends: number[];
  /** After the last complete row: where the next window starts (0: no row is complete). */
  cursor: number;
  /** LFs before `cursor`. */
  newlines: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** `atEnd`: the window ends the text (papaparse's `ignoreLastRow` is its opposite). */
export function fastRows(input: string, delimiter: string, atEnd: boolean): FastWindow | null {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') return null;
  const D = delimiter.charCodeAt(0);
  const n = input.length;
  const out: FastWindow = { rows: [], lines: [], ends: [], cursor: 0, newlines: 0 };
  let pos = 0;
  let nl = 0;
  let nextQuote = -1;
  while (pos < n) {
    const rowStart = pos;
    const rowLine = nl;
    let lineEnd = input.indexOf('\n', pos);
    const fields: string[] = [];
    let end = -1;
    for (;;) {
      if (input.charCodeAt(pos) === QUOTE) {
        let start = pos + 1;
        let value = '';
        let q = input.indexOf('"', start);
        for (;;) {
          if (q < 0) {
            if (!atEnd) return held(out, rowStart, rowLine);
            return null; // papaparse: MissingQuotes
          }
          // A quote that ends the text closes the field (charCodeAt past the end is NaN).
          if (input.charCodeAt(q + 1) !== QUOTE) break;
          value += input.slice(start, q + 1);
          start = q + 2;
          q = input.indexOf('"', start);
        }
        fields.push(value + input.slice(start, q));
        for (let i = input.indexOf('\n', pos); i >= 0 && i < q; i = input.indexOf('\n', i + 1)) nl++;
        pos = q + 1;
        if (pos === n) {
          if (!atEnd) return held(out, rowStart, rowLine);
          end = n;
          break;
        }
        const c = input.charCodeAt(pos);
        if (c === D) {
          pos++;
          continue;
        }
        if (c === LF || (c === CR && input.charCodeAt(pos + 1) === LF)) {
          end = c === LF ? pos : pos + 1;
          pos = end + 1;
          nl++;
          break;
        }
        return null; // papaparse: whitespace it skips, or InvalidQuotes
      }
      if (lineEnd >= 0 && lineEnd < pos) lineEnd = input.indexOf('\n', pos);
      if (nextQuote < pos) {
        nextQuote = input.indexOf('"', pos);
        if (nextQuote < 0) nextQuote = n;
      }
      if (lineEnd >= 0 && nextQuote > lineEnd) {
        // No quote in the rest of the line: its fields at once.
        const rest = input.slice(pos, lineEnd).split(delimiter);
        for (let i = 0; i < rest.length; i++) fields.push(rest[i]!);
        end = lineEnd;
        pos = lineEnd + 1;
        nl++;
        break;
      }
      const d = input.indexOf(delimiter, pos);
      if (d >= 0 && (d < lineEnd || lineEnd < 0)) {
        fields.push(input.slice(pos, d));
        pos = d + 1;
        continue;
      }
      if (lineEnd >= 0) {
        fields.push(input.slice(pos, lineEnd));
        end = lineEnd;
        pos = lineEnd + 1;
        nl++;
        break;
      }
      if (!atEnd) return held(out, rowStart, rowLine);
      fields.push(input.slice(pos));
      end = n;
      pos = n;
      break;
    }
    out.rows.push(fields);
    out.lines.push(rowLine);
    out.ends.push(end);
  }
  out.cursor = pos;
  out.newlines = nl;
  return out;
}

/** The rows before an incomplete one; it starts the next window. */
function held(out: FastWindow, rowStart: number, rowLine: number): FastWindow {
  out.cursor = rowStart;
  out.newlines = rowLine;
  return out;
}
