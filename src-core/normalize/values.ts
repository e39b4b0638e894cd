// Field-level normalization shared by every mapper (spec section 1 and 7.4).
import type { Hashes, ProcKey, Signature } from '../model/events.js';

/** Spec 7.4: `""`, `-` and `?` mean absent. Other strings are kept exactly. */
export function clean(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (value === '' || value === '-' || value === '?') return null;
    const trimmed = value.trim();
    if (trimmed === '' || trimmed === '-' || trimmed === '?') return null;
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

/** Host key: lowercased, cut at the first dot (`WS01.corp.local` → `ws01`). */
export function hostKey(name: string): string {
  const lower = name.trim().toLowerCase();
  const dot = lower.indexOf('.');
  return dot > 0 ? lower.slice(0, dot) : lower;
}

/**
 * Computer names that say nothing about which host a log came from: absent, placeholders,
 * loopback, and the names of Windows PE (where offline collections and images are often
 * processed). A collection's own host name replaces them (issue 10, decision 47).
 */
const GENERIC_HOSTS = new Set(['', '-', '?', 'localhost', 'localhost.localdomain', '127.0.0.1', '::1', 'minwinpc', 'unknown', 'n/a', 'none', 'null']);

export function isGenericHost(name: string | null | undefined): boolean {
  return name === null || name === undefined || GENERIC_HOSTS.has(name.trim().toLowerCase());
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string as a TEXT column of the case gives it back. Only EVTX (UTF-16) can carry an
 * unpaired surrogate; better-sqlite3 stores it as its WTF-8 bytes (the evidence's own,
 * kept) and reads those back as three U+FFFD. Text compared with values read from the
 * case (allowlist hosts and values typed or imported by the user) goes through this
 * first, or it would never be equal.
 */
export function asStored(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD\uFFFD\uFFFD');
}

/** A PID given as decimal or hex (`0x1c58`, 4688); null when absent or not a number. */
export function parsePid(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  const text = clean(value);
  if (text === null) return null;
  const t = text.trim();
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^\d+$/.test(t)) n = Number(t);
  else return null;
  return Number.isSafeInteger(n) ? n : null;
}

export function parsePort(value: unknown): number | null {
  const n = parsePid(value);
  return n !== null && n <= 65535 ? n : null;
}

const GUID_RE = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

/** GUIDs lowercased without braces; the all-zero GUID means unknown (spec 7.4). */
export function normalizeGuid(value: unknown): string | null {
  const text = clean(value);
  if (text === null) return null;
  const m = GUID_RE.exec(text.trim());
  if (!m) return null;
  const guid = m[1]!.toLowerCase();
  return guid === ZERO_GUID ? null : guid;
}

export function guidKey(value: unknown): ProcKey | null {
  const g = normalizeGuid(value);
  return g ? `guid:${g}` : null;
}

/** Elastic `process.entity_id`: a GUID (Sysmon through Elastic) links like Sysmon does. */
export function entityKey(value: unknown): ProcKey | null {
  const text = clean(value);
  if (text === null) return null;
  if (GUID_RE.test(text.trim())) return guidKey(text);
  return `ent:${text}`;
}

/**
 * Defender (pid, creation time) and 4688 (pid, event time) identities. Time first, so
 * a host's new identities sort after its older ones (an index-friendly insert order).
 */
export function pidTimeKey(pid: number | null, iso: string | null): ProcKey | null {
  return pid === null || iso === null ? null : `pt:${iso}#${pid}`;
}

/** Last path component (`\` or `/`), as given. */
export function baseName(path: string | null): string | null {
  if (path === null) return null;
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  const name = cut >= 0 ? path.slice(cut + 1) : path;
  return name === '' ? null : name;
}

/**
 * Defender's FolderPath is sometimes the folder, sometimes the full path. Returns
 * the full path: the folder joined with the file name unless it already ends with it.
 */
export function joinFolder(folder: string | null, fileName: string | null): string | null {
  if (folder === null) return fileName;
  if (fileName === null) return folder;
  const base = baseName(folder);
  if (base !== null && base.toLowerCase() === fileName.toLowerCase()) return folder;
  const sep = folder.includes('\\') || !folder.includes('/') ? '\\' : '/';
  return folder.endsWith('\\') || folder.endsWith('/') ? folder + fileName : folder + sep + fileName;
}

export const NO_HASHES: Hashes = Object.freeze({ sha256: null, sha1: null, md5: null }) as Hashes;

/**
 * A hash of `length` hex digits, lowercase, or null. By character codes, not a regular
 * expression on a lowercased copy (decision 80): only A-F lowercase to a-f, so this is the
 * same test.
 */
function hex(value: unknown, length: number): string | null {
  const text = clean(value);
  if (text === null) return null;
  const t = text.length === length ? text : text.trim();
  if (t.length !== length) return null;
  let upper = false;
  for (let i = 0; i < length; i++) {
    const c = t.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) {
      upper = true;
      continue;
    }
    return null;
  }
  return upper ? t.toLowerCase() : t;
}

export function makeHashes(sha256: unknown, sha1: unknown, md5: unknown): Hashes {
  return { sha256: hex(sha256, 64), sha1: hex(sha1, 40), md5: hex(md5, 32) };
}

/** Sysmon `Hashes`: `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (any subset, any order). */
export function parseSysmonHashes(value: unknown): Hashes {
  const text = clean(value);
  if (text === null) return NO_HASHES;
  let sha256: string | null = null;
  let sha1: string | null = null;
  let md5: string | null = null;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const algo = part.slice(0, eq).trim().toUpperCase();
    const val = part.slice(eq + 1);
    if (algo === 'SHA256') sha256 = hex(val, 64);
    else if (algo === 'SHA1') sha1 = hex(val, 40);
    else if (algo === 'MD5') md5 = hex(val, 32);
  }
  return { sha256, sha1, md5 };
}

/** Spec 3.1: `sha256:…` when known, else `sha1:…`, else `md5:…`, else null. */
export function hashKey(h: Hashes): string | null {
  if (h.sha256) return `sha256:${h.sha256}`;
  if (h.sha1) return `sha1:${h.sha1}`;
  if (h.md5) return `md5:${h.md5}`;
  return null;
}

/** `DOMAIN\name`, or whichever part is known. */
export function joinUser(domain: unknown, name: unknown): string | null {
  const n = clean(name);
  if (n === null) return null;
  if (n.includes('\\')) return n;
  const d = clean(domain);
  return d === null ? n : `${d}\\${n}`;
}

/**
 * Signature state from the many spellings sources use: booleans, Elastic `status`
 * (`trusted`, `ERROR_UNTRUSTED_ROOT`), Sysmon `SignatureStatus` (`Valid`,
 * `Expired`), Defender `SignatureStatus` (`Valid`, `Unsigned`, `Invalid`).
 */
export function signatureFrom(trusted: unknown, status: unknown): Signature {
  if (trusted === true || trusted === 'true') return 'trusted';
  if (trusted === false || trusted === 'false') return 'untrusted';
  const s = clean(status);
  if (s === null) return 'unknown';
  const t = s.trim().toLowerCase();
  if (t === 'trusted' || t === 'valid') return 'trusted';
  if (t === 'unknown' || t === '') return 'unknown';
  return 'untrusted';
}

/** Booleans as sources write them: true/false, 1/0, "True"/"False". */
export function parseBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 0 ? false : value === 1 ? true : null;
  const t = clean(value)?.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return null;
}
