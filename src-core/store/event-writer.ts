// Stores source records: hosts and process identities interned, duplicates refused
// (spec section 1 "Duplicates"). Synchronous by design: the importer calls it inside
// each file's transaction or savepoint, so a file is stored whole or not at all.
import type { Statement } from 'better-sqlite3';
import type { Db } from './case-db.js';
import type { MappedItem } from '../model/events.js';
import { hostKey } from '../normalize/values.js';
import { isImpliedWire, toWire, type WireItem, type WireRecord } from './wire.js';


/** Bound on the identity caches so memory does not grow with the input. */
const CACHE_MAX = 200_000;

export type WriteOutcome = 'stored' | 'duplicate';

const COMMON = ['file_id', 'ref', 'source', 'host_id', 'time'];
const PROCESS_COLS = [
  'host_name', 'implied', 'proc_id', 'parent_proc_id', 'pid', 'path', 'name', 'command_line', 'user', 'sha256', 'sha1',
  'md5', 'signature', 'signer', 'parent_pid', 'parent_path', 'parent_name', 'parent_command_line', 'is_4688',
];

/** An INSERT into an event table, with its bind array reused: no allocation per row. */
class EventInsert {
  private readonly a: unknown[] = [];

  constructor(private readonly stmt: Statement, private readonly from: number) {}

  /** Binds the head (file_id, ref, source, host_id, time), then `fixed`, then w[from..]. */
  run(fileId: number, hostId: number, w: WireItem, fixed: readonly unknown[]): void {
    const a = this.a;
    a.length = 0;
    a.push(fileId, w[4], w[3], hostId, w[2]);
    for (let i = 0; i < fixed.length; i++) a.push(fixed[i]);
    for (let i = this.from; i < w.length; i++) a.push(w[i]);
    // Spread, not the array: better-sqlite3 reads an array's elements one by one through
    // V8's generic property lookup, arguments directly (−10 % of the writer's instructions
    // per event, decision 85).
    this.stmt.run(...a);
  }
}

export class EventWriter {
  private readonly hostIds = new Map<string, number>();
  private readonly hostBySpelling = new Map<string, number>();
  private readonly procIds = new Map<number, Map<string, number>>();
  private procCached = 0;
  /** The last host spelling seen and its id: a record's items, and most neighbours, share it. */
  private lastSpelling: string | null = null;
  private lastHostId = 0;
  /** The last host's process identities, so a record's lookups skip the per-host map. */
  private lastProcHost = -1;
  private lastProcs: Map<string, number> | null = null;
  /** Implied processes already written (they repeat on every Defender row of a process). */
  private readonly impliedSeen = new Set<number>();
  /** Record keys start with the host key (schema 8, new cases), or with the time (older cases). */
  private readonly keyByHost: boolean;
  private readonly hostKeyBySpelling = new Map<string, string>();
  private lastKeySpelling: string | null = null;
  private lastKey = '';

  private readonly s: {
    hostGet: Statement; hostIns: Statement; hostNameIns: Statement; hostDirty: Statement;
    procGet: Statement; impliedGet: Statement; procIns: Statement; keyIns: Statement;
    process: EventInsert; implied: EventInsert; network: EventInsert; file: EventInsert;
    image: EventInsert; service: EventInsert; end: EventInsert;
  };

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.keyByHost = p("SELECT value FROM case_meta WHERE key = 'record_key_layout'").pluck().get() === 'host';
    // `from`: where the item's own values start in its wire array, after the fixed ones.
    const insert = (verb: string, table: string, cols: string[], from: number) => {
      const all = [...COMMON, ...cols];
      return new EventInsert(p(`${verb} INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`), from);
    };
    this.s = {
      hostGet: p('SELECT id FROM host WHERE key = ?'),
      hostIns: p('INSERT INTO host (key, resolved) VALUES (?, 0)'),
      hostNameIns: p('INSERT OR IGNORE INTO host_name (host_id, name) VALUES (?, ?)'),
      hostDirty: p('UPDATE host SET resolved = 0 WHERE id = ?'),
      procGet: p('SELECT id FROM proc WHERE host_id = ? AND key = ?'),
      impliedGet: p('SELECT 1 FROM process_event WHERE proc_id = ? AND implied = 1').pluck(),
      // A key the cache misses is mostly new: insert first, read only when it was not. Its
      // id is the insert's rowid: RETURNING cost 1-3 µs more per new process (measured).
      procIns: p('INSERT INTO proc (host_id, key) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      keyIns: p('INSERT OR IGNORE INTO record_key (key, file_id) VALUES (?, ?)'),
      process: insert('INSERT', 'process_event', PROCESS_COLS, 8),
      implied: insert('INSERT OR IGNORE', 'process_event', PROCESS_COLS, 8),
      network: insert('INSERT', 'network_event', [
        'proc_id', 'pid', 'path', 'action', 'protocol', 'remote_ip', 'remote_port', 'remote_name', 'local_ip', 'local_port', 'direction',
      ], 6),
      file: insert('INSERT', 'file_event', ['proc_id', 'pid', 'path', 'action', 'target_path', 'sha256', 'sha1', 'md5'], 6),
      image: insert('INSERT', 'image_load', [
        'proc_id', 'pid', 'path', 'dll_path', 'sha256', 'sha1', 'md5', 'signed', 'signature', 'signer',
      ], 6),
      service: insert('INSERT', 'service_install', ['service_name', 'image_path', 'account', 'start_type', 'service_type'], 5),
      end: insert('INSERT', 'process_end', ['proc_id', 'pid', 'path'], 6),
    };
  }

  /** Interns a host (by host key), records its spelling, and marks it for re-resolution. */
  hostId(name: string): number {
    if (name === this.lastSpelling) return this.lastHostId;
    // Keyed by the spelling first: the common case costs one Map lookup.
    const known = this.hostBySpelling.get(name);
    if (known !== undefined) {
      this.lastSpelling = name;
      this.lastHostId = known;
      return known;
    }
    const key = hostKey(name);
    let id = this.hostIds.get(key);
    if (id === undefined) {
      const row = this.s.hostGet.get(key) as { id: number } | undefined;
      id = row ? row.id : Number(this.s.hostIns.run(key).lastInsertRowid);
      this.s.hostDirty.run(id);
      this.hostIds.set(key, id);
    }
    this.s.hostNameIns.run(id, name);
    if (this.hostBySpelling.size >= CACHE_MAX) this.hostBySpelling.clear();
    this.hostBySpelling.set(name, id);
    this.lastSpelling = name;
    this.lastHostId = id;
    return id;
  }

  /** The host key of a spelling (a record's items share one host), cached. */
  private hostKeyOf(spelling: string): string {
    if (spelling === this.lastKeySpelling) return this.lastKey;
    let key = this.hostKeyBySpelling.get(spelling);
    if (key === undefined) {
      key = hostKey(spelling);
      if (this.hostKeyBySpelling.size >= CACHE_MAX) this.hostKeyBySpelling.clear();
      this.hostKeyBySpelling.set(spelling, key);
    }
    this.lastKeySpelling = spelling;
    this.lastKey = key;
    return key;
  }

  procId(hostId: number, key: string | number | null): number | null {
    if (key === null || typeof key === 'number') return null;
    let perHost = hostId === this.lastProcHost ? this.lastProcs : this.procIds.get(hostId);
    if (!perHost) this.procIds.set(hostId, (perHost = new Map()));
    this.lastProcHost = hostId;
    this.lastProcs = perHost;
    let id = perHost.get(key);
    if (id !== undefined) return id;
    const ins = this.s.procIns.run(hostId, key);
    id = ins.changes > 0 ? Number(ins.lastInsertRowid) : (this.s.procGet.get(hostId, key) as { id: number }).id;
    if (++this.procCached >= CACHE_MAX) {
      this.procIds.clear();
      this.procCached = 0;
      this.procIds.set(hostId, perHost);
      perHost.clear();
    }
    perHost.set(key, id);
    return id;
  }

  /** Claims a record identity for `fileId`. False when the case already holds it. */
  claim(key: string, fileId: number): boolean {
    return this.s.keyIns.run(key, fileId).changes > 0;
  }

  /**
   * Whether a record the case already holds names an implied process the case has no
   * row for. Its file was parsed with repeats of implied processes left out (decision
   * 71): the writer drops a duplicate whole, so a later record of the file naming the
   * same process would have brought that row, and now comes without it. Looks only;
   * creates no host or process identity.
   */
  owesImplied(record: WireRecord): boolean {
    for (const w of record.items) {
      if (!isImpliedWire(w) || typeof w[5] !== 'string') continue;
      const key = this.hostKeyOf(w[1]);
      const hostId = this.hostIds.get(key) ?? (this.s.hostGet.get(key) as { id: number } | undefined)?.id;
      if (hostId === undefined) return true;
      const procId = this.procIds.get(hostId)?.get(w[5]) ?? (this.s.procGet.get(hostId, w[5]) as { id: number } | undefined)?.id;
      if (procId === undefined) return true;
      if (this.impliedSeen.has(procId)) continue;
      if (this.s.impliedGet.get(procId) === undefined) return true;
    }
    return false;
  }

  /** Writes the items mapped from one source record (see toWire). */
  writeRecord(fileId: number, items: readonly MappedItem[]): WriteOutcome {
    return this.writeWire(fileId, toWire(items));
  }

  writeWire(fileId: number, record: WireRecord): WriteOutcome {
    if (record.key !== null && !this.claim(this.keyByHost ? `${this.hostKeyOf(record.items[0]![1])}|${record.key}` : record.key, fileId)) {
      return 'duplicate';
    }
    for (const item of record.items) this.writeItem(fileId, item);
    return 'stored';
  }

  private writeItem(fileId: number, w: WireItem): void {
    const hostId = this.hostId(w[1]);
    switch (w[0]) {
      case 'p': {
        const procId = this.procId(hostId, w[5]!);
        const implied = w[7] === 1;
        if (implied && procId !== null) {
          if (this.impliedSeen.has(procId)) return;
          if (this.impliedSeen.size >= CACHE_MAX) this.impliedSeen.clear();
          this.impliedSeen.add(procId);
        }
        (implied ? this.s.implied : this.s.process).run(fileId, hostId, w, [w[1], w[7], procId, this.procId(hostId, w[6]!)]);
        return;
      }
      case 'n':
        this.s.network.run(fileId, hostId, w, [this.procId(hostId, w[5]!)]);
        return;
      case 'f':
        this.s.file.run(fileId, hostId, w, [this.procId(hostId, w[5]!)]);
        return;
      case 'i':
        this.s.image.run(fileId, hostId, w, [this.procId(hostId, w[5]!)]);
        return;
      case 'e':
        this.s.end.run(fileId, hostId, w, [this.procId(hostId, w[5]!)]);
        return;
      case 's':
        this.s.service.run(fileId, hostId, w, []);
        return;
      default:
        throw new Error(`unknown wire item kind ${w[0]}`);
    }
  }

  /**
   * Forgets cached ids. Called after a rolled-back file: rows the cache points to may
   * no longer exist.
   */
  reset(): void {
    this.hostIds.clear();
    this.hostBySpelling.clear();
    this.procIds.clear();
    this.procCached = 0;
    this.impliedSeen.clear();
    this.lastSpelling = null;
    this.lastProcHost = -1;
    this.lastProcs = null;
  }
}
