// Builds small cases from hand-written events for the spec rule tests: the events go
// through the real writer and resolver, only the file reading is skipped.
import fs from 'node:fs';
import { afterEach } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { openCase, type Db } from '../../src-core/store/case-db.js';
import { EventWriter } from '../../src-core/store/event-writer.js';
import { resolveDirtyHosts } from '../../src-core/hunt/resolve.js';
import type {
  FileEvent, Hashes, ImageLoadEvent, ImpliedProcess, MappedItem, NetworkEvent, ProcessStartEvent,
  ServiceInstallEvent, Signature,
} from '../../src-core/model/events.js';

export function tempDir(prefix = 'longtail-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function tempCase(): { db: Db; file: string; dir: string; close: () => void } {
  const dir = tempDir();
  const file = path.join(dir, 'case.longtail');
  const { db } = openCase(file);
  return { db, file, dir, close: () => { db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** `2026-10-20T10:00:00` style shorthand → Iso7. */
export function t(s: string): string {
  const [date, time = '00:00:00'] = s.split('T');
  const [hms, frac = ''] = time.split('.');
  return `${date}T${hms}.${frac.padEnd(7, '0')}Z`;
}

const NO_HASH: Hashes = { sha256: null, sha1: null, md5: null };
let seq = 0;

export interface ProcSpec {
  host?: string;
  time: string;
  guid?: string;
  pid?: number;
  path: string;
  commandLine?: string;
  user?: string;
  hashes?: Partial<Hashes>;
  signature?: Signature;
  signer?: string;
  parentGuid?: string | null;
  parentPid?: number | null;
  parentPath?: string | null;
  parentName?: string | null;
  source?: string;
}

function base(host: string, time: string, source: string) {
  seq++;
  return { host, time: t(time), source, ref: `item ${seq}`, dedupeKey: `test|${seq}` };
}

function nameOf(p: string | null | undefined): string | null {
  if (!p) return null;
  return p.split(/[\\/]/).pop() ?? null;
}

/** A Sysmon 1 style start (GUID identity). */
export function sysmon1(s: ProcSpec): ProcessStartEvent {
  const guid = s.guid ?? `00000000-0000-0000-0000-${String(++seq).padStart(12, '0')}`;
  return {
    kind: 'process', ...base(s.host ?? 'WS01', s.time, s.source ?? 'sysmon:1'),
    proc: `guid:${guid}`, pid: s.pid ?? 1000 + seq, path: s.path, name: nameOf(s.path),
    commandLine: s.commandLine ?? s.path, user: s.user ?? 'NT AUTHORITY\\SYSTEM',
    hashes: { ...NO_HASH, ...s.hashes }, signature: s.signature ?? 'unknown', signer: s.signer ?? null,
    parent: {
      proc: s.parentGuid ? `guid:${s.parentGuid}` : null, pid: s.parentPid ?? null,
      path: s.parentPath === undefined ? 'C:\\Windows\\System32\\services.exe' : s.parentPath,
      name: s.parentName !== undefined ? s.parentName : nameOf(s.parentPath === undefined ? 'C:\\Windows\\System32\\services.exe' : s.parentPath),
      commandLine: null,
    },
    security4688: false,
  };
}

/** A Security 4688 start (pid + time identity, creator pid, optional parent name). */
export function sec4688(s: Omit<ProcSpec, 'guid' | 'parentGuid'> & { pid: number }): ProcessStartEvent {
  const time = t(s.time);
  return {
    kind: 'process', ...base(s.host ?? 'WS01', s.time, 'security:4688'),
    proc: `pt:${time}#${s.pid}`, pid: s.pid, path: s.path, name: nameOf(s.path),
    commandLine: s.commandLine ?? null, user: s.user ?? null, hashes: NO_HASH, signature: 'unknown', signer: null,
    parent: { proc: null, pid: s.parentPid ?? null, path: s.parentPath ?? null, name: nameOf(s.parentPath ?? null), commandLine: null },
    security4688: true,
  };
}

export function implied(s: ProcSpec & { proc: string }): ImpliedProcess {
  const b = base(s.host ?? 'WS01', s.time, s.source ?? 'defender:DeviceNetworkEvents');
  return {
    kind: 'implied', host: b.host, time: b.time, source: b.source, ref: b.ref, proc: s.proc, pid: s.pid ?? null,
    path: s.path, name: nameOf(s.path), commandLine: s.commandLine ?? null, user: s.user ?? null,
    hashes: { ...NO_HASH, ...s.hashes }, signature: s.signature ?? 'unknown', signer: s.signer ?? null,
    parent: { proc: null, pid: s.parentPid ?? null, path: null, name: s.parentName ?? 'services.exe', commandLine: null },
  };
}

export function net(host: string, time: string, proc: string, remoteIp: string, remotePort: number, remoteName: string | null = null): NetworkEvent {
  return {
    kind: 'network', ...base(host, time, 'sysmon:3'), proc, pid: null, path: null, action: 'outbound connection',
    protocol: 'tcp', remoteIp, remotePort, remoteName, localIp: '10.0.0.5', localPort: 50000, direction: 'outbound',
  };
}

export function fileWrite(host: string, time: string, proc: string, targetPath: string, sha256: string | null = null): FileEvent {
  return {
    kind: 'file', ...base(host, time, 'sysmon:11'), proc, pid: null, path: null, action: 'created', targetPath,
    hashes: { ...NO_HASH, sha256 },
  };
}

export function dll(host: string, time: string, proc: string, dllPath: string, signed: boolean | null, signature: Signature = 'unknown'): ImageLoadEvent {
  return {
    kind: 'image', ...base(host, time, 'sysmon:7'), proc, pid: null, path: null, dllPath, hashes: NO_HASH,
    signed, signature, signer: null,
  };
}

export function install(host: string, time: string, serviceName: string, imagePath: string, source = 'system:7045'): ServiceInstallEvent {
  return {
    kind: 'service', ...base(host, time, source), serviceName, imagePath, account: 'LocalSystem',
    startType: 'demand start', serviceType: 'user mode service',
  };
}

/** Writes items as one input file (each item its own record) and resolves the hosts. */
export function addFile(db: Db, name: string, items: ReadonlyArray<MappedItem | MappedItem[]>): number {
  const writer = new EventWriter(db);
  let min: string | null = null;
  let max: string | null = null;
  const fileId = Number(
    db.prepare("INSERT INTO input_file (path, size, sha256, format, status, started_at) VALUES (?, 0, ?, 'test', 'importing', '')")
      .run(name, `sha-${name}-${++seq}`).lastInsertRowid,
  );
  db.transaction(() => {
    for (const entry of items) {
      const record = Array.isArray(entry) ? entry : [entry];
      writer.writeRecord(fileId, record);
      for (const it of record) {
        if (it.kind === 'implied') continue;
        if (min === null || it.time < min) min = it.time;
        if (max === null || it.time > max) max = it.time;
      }
    }
    db.prepare("UPDATE input_file SET status = 'complete', time_min = ?, time_max = ? WHERE id = ?").run(min, max, fileId);
  })();
  resolveDirtyHosts(db);
  return fileId;
}

/**
 * A fresh case per test: returns `newCase()`, and closes (and deletes) the case after
 * each test. Call once at the top of a test file.
 */
export function casePerTest(): () => Db {
  let close: (() => void) | null = null;
  afterEach(() => {
    close?.();
    close = null;
  });
  return () => {
    const c = tempCase();
    close = c.close;
    return c.db;
  };
}
