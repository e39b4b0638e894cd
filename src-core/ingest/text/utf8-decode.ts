// UTF-8 bytes to a string, exactly as Buffer#toString('utf8') gives it, faster on text
// whose only non-ASCII characters are Latin-1 (decision 86). V8's decoder leaves its
// ASCII fast path at the first non-ASCII byte and decodes the rest byte by byte: one
// "Microsoft® Windows®" near the start of a Defender chunk made the whole megabyte cost
// 21,500 instructions per row, 13 % of the row's parse.
import { isAscii, isUtf8 } from 'node:buffer';

/** A Latin-1 pair's lead byte 0xC3 and its continuation: U+00C0–U+00FF. */
const C3_PAIR = /\xC3([\x80-\xBF])/g;
const fromC3 = (_: string, c: string): string => String.fromCharCode(c.charCodeAt(0) + 0x40);

/**
 * `buf.toString('utf8', start, end)`. Valid UTF-8 whose every non-ASCII character is a
 * two-byte pair led by 0xC2 or 0xC3 (U+0080–U+00FF) is read as Latin-1 and the pairs
 * folded by string builtins: 0xC2 xx is the character xx, 0xC3 xx the character xx + 0x40.
 * Whether that was all: the folded text's UTF-8 length equals the byte count only then
 * (each pair left one character ≥ 0x80, two bytes again; any other non-ASCII byte is left
 * as a character of its own and adds one). Anything else goes to Buffer#toString.
 */
export function decodeUtf8(buf: Buffer, start: number, end: number): string {
  const bytes = buf.subarray(start, end);
  if (isAscii(bytes)) return buf.toString('latin1', start, end);
  if (!isUtf8(bytes)) return buf.toString('utf8', start, end);
  const latin1 = buf.toString('latin1', start, end);
  let text = latin1.replaceAll('\xC2', '');
  if (text.includes('\xC3')) text = text.replace(C3_PAIR, fromC3);
  return Buffer.byteLength(text, 'utf8') === latin1.length ? text : buf.toString('utf8', start, end);
}
