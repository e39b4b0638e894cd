// Mapped items as flat arrays of primitives: what a parser (possibly in a worker
// thread) hands the writer. Arrays of primitives cross threads about twice as fast as
// nested objects, and they are already in the order the INSERT statements bind.
// Host and process ids are interned by the writer, so keys travel as text.
import { hash } from 'node:crypto';
import type { HuntEvent, MappedItem } from '../model/events.js';

/** Keys up to this length are stored as text; longer ones as a SHA-256 prefix. */
const INLINE_KEY_MAX = 96;

export type RecordKey = string | Uint8Array;

/**
 * The record identity as stored in `record_key.key`: short keys as text (exact, and no
 * hashing cost), long keys (canonical JSON) as 16 bytes of SHA-256. A cryptographic
 * digest matters: record contents are attacker-controlled, and a crafted collision
 * would let one event hide another as its "duplicate".
 */
export function recordKeyValue(key: string): RecordKey {
  return key.length <= INLINE_KEY_MAX ? key : hash('sha256', key, 'buffer').subarray(0, 16);
}

type V = string | number | null;
/** [kind, host, time, source, ref, ...kind-specific values] — see toWire. */
export type WireItem = [string, string, string, string, string, ...V[]];
export interface WireRecord {
  key: RecordKey | null;
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
  const key = primary && primary.dedupeKey !== null ? recordKeyValue(primary.dedupeKey) : null;
  return { key, items: items.map(itemToWire) };
}

/** An implied process row (Defender initiating process): not an event of the file's time range. */
export function isImpliedWire(w: WireItem): boolean {
  return w[0] === 'p' && w[7] === 1;
}
