// Stores mapped items: hosts and process identities interned, duplicates refused
// (spec section 1 "Duplicates"). Synchronous by design: the importer calls it inside
// one transaction per input file, so a file is stored whole or not at all.
import { hash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from './case-db.js';
import type { Hashes, HuntEvent, MappedItem, ProcKey } from '../model/events.js';
import { hostKey } from '../normalize/values.js';

/** Keys up to this length are stored as text; longer ones as a SHA-256 prefix. */
const INLINE_KEY_MAX = 96;
/** Bound on the identity cache so memory does not grow with the input. */
const PROC_CACHE_MAX = 200_000;

export type WriteOutcome = 'stored' | 'duplicate';

/**
 * The record identity as stored in `record_key.key`: short keys as text (exact, and no
 * hashing cost), long keys (canonical JSON) as 16 bytes of SHA-256. A cryptographic
 * digest matters: record contents are attacker-controlled, and a crafted collision
 * would let one event hide another as its "duplicate".
 */
export function recordKeyValue(key: string): string | Buffer {
  return key.length <= INLINE_KEY_MAX ? key : hash('sha256', key, 'buffer').subarray(0, 16);
}

export class EventWriter {
  private readonly hostIds = new Map<string, number>();
  private readonly hostNamesSeen = new Set<string>();
  private readonly procIds = new Map<string, number>();
  /** Implied processes already written in this session (they repeat on every Defender row). */
  private readonly impliedSeen = new Set<number>();
  private readonly touchedHosts = new Set<number>();

  private readonly s: {
    hostGet: Statement; hostIns: Statement; hostNameIns: Statement; hostDirty: Statement;
    procGet: Statement; procIns: Statement; keyIns: Statement;
    process: Statement; implied: Statement; network: Statement; file: Statement;
    image: Statement; service: Statement; end: Statement;
  };

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    const common = ['file_id', 'ref', 'source', 'host_id', 'time'];
    const insert = (verb: string, table: string, cols: string[]) => {
      const all = [...common, ...cols];
      return p(`${verb} INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`);
    };
    const processCols = [
      'host_name', 'implied', 'proc_id', 'pid', 'path', 'name', 'command_line', 'user', 'sha256', 'sha1', 'md5',
      'signature', 'signer', 'parent_proc_id', 'parent_pid', 'parent_path', 'parent_name', 'parent_command_line', 'is_4688',
    ];
    this.s = {
      hostGet: p('SELECT id FROM host WHERE key = ?'),
      hostIns: p('INSERT INTO host (key, resolved) VALUES (?, 0)'),
      hostNameIns: p('INSERT OR IGNORE INTO host_name (host_id, name) VALUES (?, ?)'),
      hostDirty: p('UPDATE host SET resolved = 0 WHERE id = ?'),
      procGet: p('SELECT id FROM proc WHERE host_id = ? AND key = ?'),
      procIns: p('INSERT INTO proc (host_id, key) VALUES (?, ?)'),
      keyIns: p('INSERT OR IGNORE INTO record_key (key, file_id) VALUES (?, ?)'),
      process: insert('INSERT', 'process_event', processCols),
      implied: insert('INSERT OR IGNORE', 'process_event', processCols),
      network: insert('INSERT', 'network_event', [
        'proc_id', 'pid', 'path', 'action', 'protocol', 'remote_ip', 'remote_port', 'remote_name', 'local_ip', 'local_port', 'direction',
      ]),
      file: insert('INSERT', 'file_event', ['proc_id', 'pid', 'path', 'action', 'target_path', 'sha256', 'sha1', 'md5']),
      image: insert('INSERT', 'image_load', [
        'proc_id', 'pid', 'path', 'dll_path', 'sha256', 'sha1', 'md5', 'signed', 'signature', 'signer',
      ]),
      service: insert('INSERT', 'service_install', ['service_name', 'image_path', 'account', 'start_type', 'service_type']),
      end: insert('INSERT', 'process_end', ['proc_id', 'pid', 'path']),
    };
  }

  /** Host ids touched since the last call (their instances must be rebuilt). */
  takeTouchedHosts(): number[] {
    const ids = [...this.touchedHosts];
    this.touchedHosts.clear();
    return ids;
  }

  hostId(name: string): number {
    const key = hostKey(name);
    let id = this.hostIds.get(key);
    if (id === undefined) {
      const row = this.s.hostGet.get(key) as { id: number } | undefined;
      id = row ? row.id : Number(this.s.hostIns.run(key).lastInsertRowid);
      this.hostIds.set(key, id);
    }
    const spelled = `${id}\u0000${name}`;
    if (!this.hostNamesSeen.has(spelled)) {
      this.s.hostNameIns.run(id, name);
      this.hostNamesSeen.add(spelled);
    }
    if (!this.touchedHosts.has(id)) {
      this.s.hostDirty.run(id);
      this.touchedHosts.add(id);
    }
    return id;
  }

  procId(hostId: number, key: ProcKey | null): number | null {
    if (key === null) return null;
    const cacheKey = `${hostId}\u0000${key}`;
    let id = this.procIds.get(cacheKey);
    if (id !== undefined) return id;
    const row = this.s.procGet.get(hostId, key) as { id: number } | undefined;
    id = row ? row.id : Number(this.s.procIns.run(hostId, key).lastInsertRowid);
    if (this.procIds.size >= PROC_CACHE_MAX) this.procIds.clear();
    this.procIds.set(cacheKey, id);
    return id;
  }

  /**
   * Claims a record identity for `fileId`. False when the case already holds it.
   * Null keys are never deduplicated.
   */
  claim(dedupeKey: string | null, fileId: number): boolean {
    if (dedupeKey === null) return true;
    return this.s.keyIns.run(recordKeyValue(dedupeKey), fileId).changes > 0;
  }

  /**
   * Writes the items mapped from one source record. The first item that carries a
   * dedupe key decides whether the record is new; implied processes ride along.
   */
  writeRecord(fileId: number, items: readonly MappedItem[]): WriteOutcome {
    const primary = items.find((i): i is HuntEvent => i.kind !== 'implied');
    if (primary && !this.claim(primary.dedupeKey, fileId)) return 'duplicate';
    for (const item of items) this.writeItem(fileId, item);
    return 'stored';
  }

  private writeItem(fileId: number, item: MappedItem): void {
    const hostId = this.hostId(item.host);
    switch (item.kind) {
      case 'process':
      case 'implied': {
        const procId = this.procId(hostId, item.proc);
        const implied = item.kind === 'implied';
        if (implied && procId !== null) {
          if (this.impliedSeen.has(procId)) return;
          if (this.impliedSeen.size >= PROC_CACHE_MAX) this.impliedSeen.clear();
          this.impliedSeen.add(procId);
        }
        const h = item.hashes;
        (implied ? this.s.implied : this.s.process).run(
          fileId, item.ref, item.source, hostId, item.time,
          item.host, implied ? 1 : 0, procId, item.pid, item.path, item.name, item.commandLine, item.user,
          h.sha256, h.sha1, h.md5, item.signature, item.signer,
          this.procId(hostId, item.parent.proc), item.parent.pid, item.parent.path, item.parent.name,
          item.parent.commandLine, item.kind === 'process' && item.security4688 ? 1 : 0,
        );
        return;
      }
      case 'network':
        this.s.network.run(
          fileId, item.ref, item.source, hostId, item.time,
          this.procId(hostId, item.proc), item.pid, item.path, item.action, item.protocol,
          item.remoteIp, item.remotePort, item.remoteName, item.localIp, item.localPort, item.direction,
        );
        return;
      case 'file': {
        const h: Hashes = item.hashes;
        this.s.file.run(
          fileId, item.ref, item.source, hostId, item.time,
          this.procId(hostId, item.proc), item.pid, item.path, item.action, item.targetPath, h.sha256, h.sha1, h.md5,
        );
        return;
      }
      case 'image': {
        const h: Hashes = item.hashes;
        this.s.image.run(
          fileId, item.ref, item.source, hostId, item.time,
          this.procId(hostId, item.proc), item.pid, item.path, item.dllPath, h.sha256, h.sha1, h.md5,
          item.signed === null ? null : item.signed ? 1 : 0, item.signature, item.signer,
        );
        return;
      }
      case 'service':
        this.s.service.run(
          fileId, item.ref, item.source, hostId, item.time,
          item.serviceName, item.imagePath, item.account, item.startType, item.serviceType,
        );
        return;
      case 'end':
        this.s.end.run(fileId, item.ref, item.source, hostId, item.time, this.procId(hostId, item.proc), item.pid, item.path);
        return;
    }
  }

  /**
   * Forgets cached ids. Called after a rolled-back file: rows the cache points to may
   * no longer exist.
   */
  reset(): void {
    this.hostIds.clear();
    this.hostNamesSeen.clear();
    this.procIds.clear();
    this.impliedSeen.clear();
    this.touchedHosts.clear();
  }
}
