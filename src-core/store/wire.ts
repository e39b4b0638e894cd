// Mapped items as flat arrays of primitives: what a parser (possibly in a worker
// thread) hands the writer. Arrays of primitives cross threads about twice as fast as
// nested objects, and they are already in the order the INSERT statements bind.
// Host and process ids are interned by the writer, so keys travel as text.
import { hash } from 'node:crypto';
import type { HuntEvent, MappedItem } from '../model/events.js';

/** Keys up to this length are stored as text; longer ones as a SHA-256 prefix. */
const INLINE_KEY_MAX = 96;

/**
 * The record identity as stored in `record_key.key`: the record's own time (to the
 * millisecond) then its dedupe key, short keys as text (exact, no hashing cost), long
 * ones (canonical JSON) as 128 bits of SHA-256 in base64url. The time comes first so
 * that a file's keys arrive in nearly ascending order and land at the end of the
 * index instead of all over it (import speed on big cases); it is part of the record,
 * so the same record always gets the same key. A cryptographic digest matters: record
 * contents are attacker-controlled, and a crafted collision would let one event hide
 * another as its "duplicate".
 */
export function recordKeyValue(time: string, key: string): string {
  const at = time.slice(0, 23);
  return key.length <= INLINE_KEY_MAX ? `${at}|${key}` : `${at}|#${digest128(key)}`;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Uint8Array(128);
for (let i = 0; i < 64; i++) SEXTET[BASE64URL.charCodeAt(i)] = i;

/**
 * The first 128 bits of SHA-256 in base64url (22 characters), from the digest's own
 * base64url text: a Buffer and its slice cost as much as the hash of a 1 KB key (decision
 * 83). Characters 1–21 carry bits 0–125 either way; the 22nd carries bits 126–127, which
 * are its top two bits in the full digest's text, and zero padding after them.
 */
export function digest128(key: string): string {
  const full = hash('sha256', key, 'base64url');
  return full.slice(0, 21) + BASE64URL[SEXTET[full.charCodeAt(21)]! & 0x30]!;
}

type V = string | number | null;
/** [kind, host, time, source, ref, ...kind-specific values] — see toWire. */
export type WireItem = [string, string, string, string, string, ...V[]];
export interface WireRecord {
  key: string | null;
  items: WireItem[];
}

const b = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

export function itemToWire(item: MappedItem): WireItem {
  switch (item.kind) {
    case 'process':
    case 'implied': {
      const h = item.hashes;
      const p = item.parent;
      return [
        'p', item.host, item.time, item.source, item.ref, item.proc, p.proc, item.kind === 'implied' ? 1 : 0,
        item.pid, item.path, item.name, item.commandLine, item.user, h.sha256, h.sha1, h.md5, item.signature, item.signer,
        p.pid, p.path, p.name, p.commandLine, item.kind === 'process' && item.security4688 ? 1 : 0,
      ];
    }
    case 'network':
      return [
        'n', item.host, item.time, item.source, item.ref, item.proc, item.pid, item.path, item.action, item.protocol,
        item.remoteIp, item.remotePort, item.remoteName, item.localIp, item.localPort, item.direction,
      ];
    case 'file':
      return [
        'f', item.host, item.time, item.source, item.ref, item.proc, item.pid, item.path, item.action, item.targetPath,
        item.hashes.sha256, item.hashes.sha1, item.hashes.md5,
      ];
    case 'image':
      return [
        'i', item.host, item.time, item.source, item.ref, item.proc, item.pid, item.path, item.dllPath,
        item.hashes.sha256, item.hashes.sha1, item.hashes.md5, b(item.signed), item.signature, item.signer,
      ];
    case 'service':
      return ['s', item.host, item.time, item.source, item.ref, item.serviceName, item.imagePath, item.account, item.startType, item.serviceType];
    case 'end':
      return ['e', item.host, item.time, item.source, item.ref, item.proc, item.pid, item.path];
  }
}

/**
 * One source record's items. The first item that is not an implied process carries
 * the record's dedupe key; implied processes ride along.
 */
export function toWire(items: readonly MappedItem[]): WireRecord {
  const primary = items.find((i): i is HuntEvent => i.kind !== 'implied');
  const key = primary && primary.dedupeKey !== null ? recordKeyValue(primary.time, primary.dedupeKey) : null;
  return { key, items: items.map(itemToWire) };
}

/** An implied process row (Defender initiating process): not an event of the file's time range. */
export function isImpliedWire(w: WireItem): boolean {
  return w[0] === 'p' && w[7] === 1;
}
