// A lexer for ES|QL as Elasticsearch's grammar (EsqlBaseLexer.g4) reads it, enough to
// check generated queries: comments (`//` to the line end, nested `/* */`), quoted
// strings (escapes \t \n \r \" \\; no raw line break), triple-quoted strings (no
// escapes, no line break, up to two extra closing quotes), back-quoted identifiers,
// and every other run of characters as a word or an operator. No ES|QL parser is
// published on npm, so the escaping tests check what a value becomes here.

export type EsqlToken =
  | { kind: 'string'; value: string; text: string }
  | { kind: 'word' | 'op' | 'quoted-id'; text: string };

export class EsqlLexError extends Error {}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', '\\': '\\' };

export function lexEsql(src: string): EsqlToken[] {
  const out: EsqlToken[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
    } else if (src.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (src.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (src.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (i >= src.length) {
          throw new EsqlLexError('unterminated comment');
        } else {
          i++;
        }
      } while (depth > 0);
    } else if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0) throw new EsqlLexError(`unterminated triple-quoted string at ${i}`);
      let stop = end + 3;
      // The grammar lets a triple-quoted string end with up to two more quotes.
      for (let k = 0; k < 2 && src[stop] === '"'; k++) stop++;
      const value = src.slice(i + 3, stop - 3);
      if (/[\r\n]/.test(value)) throw new EsqlLexError(`line break in a triple-quoted string at ${i}`);
      out.push({ kind: 'string', value, text: src.slice(i, stop) });
      i = stop;
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const d = src[j];
        if (d === undefined || d === '\n' || d === '\r') throw new EsqlLexError(`unterminated string at ${i}`);
        if (d === '"') break;
        if (d === '\\') {
          const e = ESCAPES[src[j + 1] ?? ''];
          if (e === undefined) throw new EsqlLexError(`bad escape \\${src[j + 1]} at ${j}`);
          value += e;
          j += 2;
          continue;
        }
        value += d;
        j++;
      }
      out.push({ kind: 'string', value, text: src.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new EsqlLexError(`unterminated quoted identifier at ${i}`);
      out.push({ kind: 'quoted-id', text: src.slice(i, end + 1) });
      i = end + 1;
    } else if (/[\w@.*-]/.test(c)) {
      const m = /^[\w@.*-]+/.exec(src.slice(i))!;
      out.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      const m = /^(==|!=|<=|>=|[|(),=<>+/%:[\]])/.exec(src.slice(i));
      if (!m) throw new EsqlLexError(`unexpected ${JSON.stringify(c)} at ${i}`);
      out.push({ kind: 'op', text: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

/** The token stream with every string value blanked: its shape, to compare two queries. */
export function esqlShape(src: string): string[] {
  return lexEsql(src).map((t) => (t.kind === 'string' ? '<string>' : t.text));
}
