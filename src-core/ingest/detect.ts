// Sniffs a file's format from its content, never its name: EVTX by magic, JSON by
// its first character, CSV by a header the mappers know.
import fs from 'node:fs';
import { sniffEncoding } from './text/encoding.js';
import { looksLikeDefenderColumns } from './mappers/defender.js';
import { evtxecmdHeader } from './evtxecmd/format.js';

export type Family = 'evtx' | 'json' | 'defender-csv' | 'ecs-csv' | 'evtxecmd-csv' | 'unknown';

export interface Detection {
  family: Family;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary';
  /** Why it is unknown, for the import log. */
  reason?: string;
  /** Sentinel / Log Analytics CSV (`Timestamp [UTC]` headers). */
  sentinel?: boolean;
}

const HEAD_BYTES = 64 * 1024;
const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1');
/** The first chunk's signature, right after the 4 KiB file header. */
const EVTX_CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const EVTX_FIRST_CHUNK = 4096;

export function readHead(path: string, bytes = HEAD_BYTES): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Splits a CSV header line (quotes allowed, no embedded newlines expected in headers). */
function headerFields(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/**
 * JSON lines whose first record is damaged (its first bytes overwritten): the lines after
 * it are objects. A document's lines are members and closers, and a CSV row does not
 * start with `{`.
 */
function jsonLinesAfterDamagedFirst(body: string): boolean {
  const lines = body.split('\n');
  // The last piece may be cut short by the end of the head.
  const next = lines.slice(1, Math.min(lines.length - 1, 6)).map((l) => l.trim()).filter((l) => l !== '');
  const objects = next.filter((l) => l.startsWith('{') && l.endsWith('}')).length;
  return objects >= 2 && objects >= next.length - 1;
}

export function detectHead(head: Buffer): Detection {
  if (head.length >= 8 && head.subarray(0, 8).equals(EVTX_MAGIC)) return { family: 'evtx', encoding: 'binary' };
  // A log whose file header was zeroed or overwritten still says what it is in its first
  // chunk; the reader never trusts the file header and reads every chunk.
  if (head.length >= EVTX_FIRST_CHUNK + 8 && head.subarray(EVTX_FIRST_CHUNK, EVTX_FIRST_CHUNK + 8).equals(EVTX_CHUNK_MAGIC)) {
    return { family: 'evtx', encoding: 'binary' };
  }
  if (head.length === 0) return { family: 'unknown', encoding: 'utf-8', reason: 'empty file' };
  const { encoding, bomLength } = sniffEncoding(head);
  const text = new TextDecoder(encoding).decode(head.subarray(bomLength));
  const body = text.trimStart();
  if (body.startsWith('{') || body.startsWith('[')) return { family: 'json', encoding };
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].reduce((a, b) => (firstLine.split(b).length > firstLine.split(a).length ? b : a));
  const cols = headerFields(firstLine, delimiter);
  if (cols.length >= 3) {
    const evtxecmd = evtxecmdHeader(cols);
    if (evtxecmd === 'evtxecmd') return { family: 'evtxecmd-csv', encoding };
    if (evtxecmd === 'evtxecmd-without-payload') {
      return { family: 'unknown', encoding, reason: 'EvtxECmd CSV without its Payload column (the event data): nothing to map' };
    }
    if (looksLikeDefenderColumns(cols)) {
      return { family: 'defender-csv', encoding, sentinel: cols.some((c) => /\[(UTC|Local Time)\]$/i.test(c)) };
    }
    if (cols.includes('@timestamp') || cols.some((c) => /^(event|process|host|winlog)\.[a-z_.]+$/.test(c))) {
      return { family: 'ecs-csv', encoding };
    }
  }
  if (jsonLinesAfterDamagedFirst(body)) return { family: 'json', encoding };
  const binary = /[\u0000-\u0008\u000e-\u001f]/.test(body.slice(0, 4096));
  return {
    family: 'unknown',
    encoding,
    reason: binary ? 'binary content of an unknown kind' : 'text that is neither JSON nor a known CSV header',
  };
}

export function detectFile(path: string): Detection {
  return detectHead(readHead(path));
}
