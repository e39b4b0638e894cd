// A big synthetic fleet of raw Windows event logs, as a triage collection holds
// them: per host a folder with Security.evtx, Microsoft-Windows-Sysmon%4Operational.evtx
// and System.evtx, written by the fixture EVTX writer. Hosts boot in the first hour
// (services.exe starts the demo fleet's boot services and Sysmon), then events run in
// time order over 30 days from 2026-10-01: mostly ordinary service activity (the
// bench fleet's hosts: periodic services, their children, network, image loads,
// file writes) and plenty the hunt does not use (Sysmon 5/10/12/13/22, Security
// 4624/4634/4689/5156). A few hosts carry a planted rare service (installed: 7045 and
// 4697, started by services.exe, loading an unsigned DLL from its folder, calling out,
// writing a file, running whoami and rundll32). Deterministic per (options); memory
// flat (a host at a time, one 64 KiB chunk per open file); hosts are written in
// worker threads, one per core. Run it to measure:
//   node bin/run-ts.mjs test/bench/evtx-fleet.ts [OUT_DIR] [BYTES] [HOSTS] [THREADS]
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Account, Activity, Binary, Proc } from '../../samples/generator/model.js';
import { LOCAL_SERVICE, NETWORK_SERVICE, SYSTEM, spawn, sysmonGuid } from '../../samples/generator/model.js';
import { BIN, binary } from '../../samples/generator/catalog.js';
import type { Rng } from '../../samples/generator/random.js';
import { int, makeRng } from '../../samples/generator/random.js';
import type { Ticks } from '../../samples/generator/time.js';
import { DAY, EPOCH_MS, HOUR, SECOND, iso7, spaced3 } from '../../samples/generator/time.js';
import type { EventSpec, EvtxFileInfo, Origin } from '../fixtures/evtx-writer/index.js';
import {
  EvtxWriter, security4624, security4634, security4688v2, security4689, security4697, security5156, sysmonDnsQuery,
  sysmonFileCreate, sysmonImageLoad, sysmonNetworkConnect, sysmonProcessAccess, sysmonProcessCreate, sysmonProcessTerminate,
  sysmonRegistryEvent, sysmonRegistryValueSet, system7045,
} from '../fixtures/evtx-writer/index.js';
import type { PlantedDetail } from './fleet-plan.js';
import { FLEET_DAYS, FLEET_T0, hostUser } from './fleet-plan.js';
import { FleetHost } from './fleet-host.js';

export interface EvtxFleetOptions {
  outDir: string;
  /** Total size of the files, about (each host stops once its files pass its share). */
  bytes: number;
  hosts: number;
  seed?: number;
}

export type EvtxLog = 'Security' | 'Sysmon' | 'System';

export interface EvtxFleetFile {
  path: string;
  host: string;
  log: EvtxLog;
  records: number;
  bytes: number;
  /** Records per event id. */
  events: Record<number, number>;
}

export interface PlantedEvtxService {
  /** Computer name as logged, and its host key (lowercase, cut at the first dot). */
  host: string;
  hostKey: string;
  serviceName: string;
  name: string;
  path: string;
  sha256: string;
  /** Start of the service instance, ISO 8601 UTC with 7 digits. */
  start: string;
}

export interface EvtxFleetResult {
  files: EvtxFleetFile[];
  planted: PlantedEvtxService[];
}

export const LOG_FILES: Record<EvtxLog, string> = {
  Security: 'Security.evtx', Sysmon: 'Microsoft-Windows-Sysmon%4Operational.evtx', System: 'System.evtx',
};

const DOMAIN = 'corp.contoso.local';
export function evtxHostName(index: number): string {
  return `wks-${String(index + 1).padStart(5, '0')}.${DOMAIN}`;
}

function letters(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += 'abcdefghjkmnpqrstuvwxyz'[int(rng, 0, 22)];
  return s;
}

/** Rare services: ~0.2% of hosts, at least 2 (or every host of a smaller fleet), each on its own host. */
function plan(opts: EvtxFleetOptions): PlantedDetail[] {
  const seed = opts.seed ?? 1;
  const rng = makeRng(seed ^ 0xe7e7);
  const count = Math.min(opts.hosts, Math.max(2, Math.round(opts.hosts / 500)));
  const used = new Set<number>();
  const out: PlantedDetail[] = [];
  for (let p = 0; p < count; p++) {
    let hostIndex = int(rng, 0, opts.hosts - 1);
    while (used.has(hostIndex)) hostIndex = (hostIndex + 1) % opts.hosts;
    used.add(hostIndex);
    const stem = letters(rng, 8);
    const [dir, serviceName] = p % 3 === 0 ? ['C:\\Windows\\Temp', stem]
      : p % 3 === 1 ? [`C:\\ProgramData\\${stem.slice(0, 5)}`, `${stem.slice(0, 5)}svc`]
        : [`C:\\Users\\${hostUser(hostIndex)}\\AppData\\Local\\Temp`, `${stem}helper`];
    const exe = `${stem}.exe`;
    const bin = binary(`${dir}\\${exe}`, { company: '', product: '', version: '', description: '', signed: 'unsigned', label: `evtx-planted-${seed}-${p}` });
    const t = FLEET_T0 + (18 + (p % 10)) * DAY + int(rng, 0, 23) * HOUR + int(rng, 0, 3_599) * SECOND + int(rng, 0, 9_999_999);
    const host = evtxHostName(hostIndex);
    out.push({
      host, hostKey: host.split('.')[0] ?? host, format: 'elastic-ndjson', file: '', serviceName, name: exe, path: bin.path,
      sha256: bin.sha256, start: iso7(t), hostIndex, t, bin, dir, stem,
    });
  }
  return out;
}

/** What generateEvtxFleet(opts) plants, without writing anything. */
export function plantedEvtxServices(opts: EvtxFleetOptions): PlantedEvtxService[] {
  return plan(opts).map(({ host, hostKey, serviceName, name, path: p, sha256, start }) => ({ host, hostKey, serviceName, name, path: p, sha256, start }));
}

// ---- rendering activity as events -------------------------------------------------

const FT0 = BigInt(EPOCH_MS) * 10_000n + 116_444_736_000_000_000n;
const LABEL = { System: 'S-1-16-16384', High: 'S-1-16-12288', Medium: 'S-1-16-8192' } as const;
const ELEVATION = { System: '%%1936', High: '%%1937', Medium: '%%1938' } as const;
const NO_GUID = '{00000000-0000-0000-0000-000000000000}';

const fileTime = (t: Ticks): bigint => FT0 + BigInt(t);
const hashes = (b: Binary) => `SHA1=${b.sha1},MD5=${b.md5},SHA256=${b.sha256},IMPHASH=${b.imphash}`.toUpperCase();
const userName = (a: Account) => `${a.domain}\\${a.name}`;
const fileVersion = (b: Binary) => (b.version && b.company === 'Microsoft Corporation' ? `${b.version} (WinBuild.160101.0800)` : b.version || '-');
const logonGuid = (p: Proc) => `{${p.host.guidPrefix}-0000-0000-${p.user.logonId === 999 ? 'e703' : 'd961'}-000000000000}`;
const machine = (a: Account) => a.domain === 'NT AUTHORITY';
const devicePath = (p: string) => `\\device\\harddiskvolume3${p.slice(2).toLowerCase()}`;

/** One host's three logs being written, and the origin of each event. */
class HostLogs {
  readonly sysmon: EvtxWriter;
  readonly security: EvtxWriter;
  readonly counts: Record<EvtxLog, Record<number, number>> = { Security: {}, Sysmon: {}, System: {} };
  private readonly short: string;

  constructor(readonly dir: string, readonly computer: string) {
    mkdirSync(dir, { recursive: true });
    this.sysmon = EvtxWriter.open(path.join(dir, LOG_FILES.Sysmon));
    this.security = EvtxWriter.open(path.join(dir, LOG_FILES.Security));
    this.short = (computer.split('.')[0] ?? computer).toUpperCase();
  }

  o(t: Ticks): Origin {
    return { computer: this.computer, time: fileTime(t) };
  }

  add(log: 'Sysmon' | 'Security', e: EventSpec): void {
    (log === 'Sysmon' ? this.sysmon : this.security).append(e);
    const c = this.counts[log];
    c[e.eventId] = (c[e.eventId] ?? 0) + 1;
  }

  subject(a: Account) {
    const m = machine(a);
    return {
      SubjectUserSid: m ? 'S-1-5-18' : a.sid, SubjectUserName: m ? `${this.short}$` : a.name,
      SubjectDomainName: m ? 'CONTOSO' : a.domain, SubjectLogonId: m ? 0x3e7 : a.logonId,
    };
  }

  processStart(t: Ticks, p: Proc): void {
    const b = p.bin;
    const parent = p.parent;
    this.add('Sysmon', sysmonProcessCreate(this.o(t + 10_000 * ((p.pid % 5) + 1)), {
      UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: b.path, FileVersion: fileVersion(b),
      Description: b.description || '-', Product: b.product || '-', Company: b.company || '-', OriginalFileName: b.originalName || '-',
      CommandLine: p.cmd, CurrentDirectory: machine(p.user) ? 'C:\\Windows\\system32\\' : `C:\\Users\\${p.user.name}\\`,
      User: userName(p.user), LogonGuid: logonGuid(p), LogonId: p.user.logonId, TerminalSessionId: p.integrity === 'System' ? 0 : 1,
      IntegrityLevel: p.integrity, Hashes: hashes(b), ParentProcessGuid: parent ? sysmonGuid(parent) : NO_GUID,
      ParentProcessId: parent?.pid ?? 0, ParentImage: parent?.bin.path ?? '-', ParentCommandLine: parent?.cmd ?? '-',
    }));
    this.add('Security', security4688v2(this.o(t + 10_000 * ((p.pid % 3) + 2)), {
      ...this.subject(parent?.user ?? SYSTEM), NewProcessId: p.pid, NewProcessName: b.path, TokenElevationType: ELEVATION[p.integrity],
      ProcessId: parent?.pid ?? 0, CommandLine: p.cmd, TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-',
      TargetLogonId: 0, ParentProcessName: parent?.bin.path ?? '', MandatoryLabel: LABEL[p.integrity],
    }));
  }

  processEnd(t: Ticks, p: Proc): void {
    this.add('Sysmon', sysmonProcessTerminate(this.o(t + 20_000), { UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path }));
    this.add('Security', security4689(this.o(t + 30_000), { ...this.subject(p.user), Status: 0, ProcessId: p.pid, ProcessName: p.bin.path }));
  }

  network(t: Ticks, a: Extract<Activity, { kind: 'network' }>, dns: boolean): void {
    const p = a.proc;
    if (dns) {
      this.add('Sysmon', sysmonDnsQuery(this.o(t - 40_000), {
        UtcTime: spaced3(t - 50_000), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, QueryName: a.remoteName, QueryStatus: '0',
        QueryResults: `::ffff:${a.remoteIp};`, Image: p.bin.path,
      }));
    }
    this.add('Sysmon', sysmonNetworkConnect(this.o(t + 9_000_000), {
      UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, User: userName(p.user), Protocol: 'tcp',
      Initiated: true, SourceIsIpv6: false, SourceIp: p.host.ip, SourceHostname: this.computer, SourcePort: a.localPort, SourcePortName: '-',
      DestinationIsIpv6: false, DestinationIp: a.remoteIp, DestinationHostname: a.remoteName, DestinationPort: a.remotePort,
      DestinationPortName: a.remotePort === 443 ? 'https' : a.remotePort === 53 ? 'domain' : '-',
    }));
    this.add('Security', security5156(this.o(t + 20_000), {
      ProcessID: p.pid, Application: devicePath(p.bin.path), Direction: '%%14593', SourceAddress: p.host.ip, SourcePort: String(a.localPort),
      DestAddress: a.remoteIp, DestPort: String(a.remotePort), Protocol: 6, FilterRTID: 0, LayerName: '%%14611', LayerRTID: 48,
      RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0',
    }));
  }

  file(t: Ticks, a: Extract<Activity, { kind: 'file' }>): void {
    const p = a.proc;
    this.add('Sysmon', sysmonFileCreate(this.o(t + 20_000), {
      UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, TargetFilename: a.path,
      CreationUtcTime: spaced3(a.action === 'created' ? t : t - 3 * DAY),
    }));
  }

  image(t: Ticks, a: Extract<Activity, { kind: 'image' }>): void {
    const p = a.proc;
    const d = a.dll;
    const signed = d.signed !== 'unsigned';
    this.add('Sysmon', sysmonImageLoad(this.o(t + 50_000), {
      UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, ImageLoaded: d.path, FileVersion: fileVersion(d),
      Description: d.description || '-', Product: d.product || '-', Company: d.company || '-', OriginalFileName: d.originalName || '-',
      Hashes: hashes(d), Signed: signed, Signature: signed ? d.signer : '', SignatureStatus: signed ? 'Valid' : 'Unavailable',
    }));
  }

  install(t: Ticks, a: Extract<Activity, { kind: 'install' }>): EventSpec {
    const s = a.service;
    this.add('Security', security4697(this.o(t + 40_000), {
      ...this.subject(s.installer), ServiceName: s.serviceName, ServiceFileName: s.imagePath, ServiceType: 0x10,
      ServiceStartType: s.startType === 'auto' ? 2 : 3, ServiceAccount: s.account,
    }));
    return system7045({ ...this.o(t), userId: s.installer.sid }, {
      ServiceName: s.serviceName, ImagePath: s.imagePath, ServiceType: 'user mode service',
      StartType: s.startType === 'auto' ? 'auto start' : 'demand start', AccountName: s.account,
    });
  }

  access(t: Ticks, src: Proc, target: Proc): void {
    this.add('Sysmon', sysmonProcessAccess(this.o(t + 10_000), {
      UtcTime: spaced3(t), SourceProcessGUID: sysmonGuid(src), SourceProcessId: src.pid, SourceThreadId: src.pid + 12, SourceImage: src.bin.path,
      TargetProcessGUID: sysmonGuid(target), TargetProcessId: target.pid, TargetImage: target.bin.path, GrantedAccess: 0x1000,
      CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9f8a4|C:\\Windows\\System32\\KERNELBASE.dll+2b5ae|UNKNOWN(00007FFB1A2C4F10)',
    }));
  }

  registry(t: Ticks, p: Proc, key: string, set: boolean): void {
    const base = { UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, TargetObject: key };
    this.add('Sysmon', set
      ? sysmonRegistryValueSet(this.o(t + 10_000), { ...base, EventType: 'SetValue', Details: `DWORD (0x0000000${t % 4})` })
      : sysmonRegistryEvent(this.o(t + 10_000), { ...base, EventType: 'CreateKey' }));
  }

  logon(t: Ticks, l: Logon, services: Proc): void {
    this.add('Security', security4624(this.o(t), {
      SubjectUserSid: l.type === 5 ? 'S-1-5-18' : 'S-1-0-0', SubjectUserName: l.type === 5 ? `${this.short}$` : '-',
      SubjectDomainName: l.type === 5 ? 'CONTOSO' : '-', SubjectLogonId: l.type === 5 ? 0x3e7 : 0, TargetUserSid: l.account.sid,
      TargetUserName: l.account.name, TargetDomainName: l.account.domain, TargetLogonId: l.id, LogonType: l.type,
      LogonProcessName: l.type === 5 ? 'Advapi  ' : 'Kerberos', AuthenticationPackageName: l.type === 5 ? 'Negotiate' : 'Kerberos',
      WorkstationName: '-', LogonGuid: NO_GUID, TransmittedServices: '-', LmPackageName: '-', KeyLength: 0,
      ProcessId: l.type === 5 ? services.pid : 0, ProcessName: l.type === 5 ? services.bin.path : '-',
      IpAddress: l.type === 5 ? '-' : '10.0.0.10', IpPort: l.type === 5 ? '-' : String(49_152 + (l.id % 16_000)),
      ImpersonationLevel: '%%1833', RestrictedAdminMode: '-', TargetOutboundUserName: '-', TargetOutboundDomainName: '-',
      VirtualAccount: '%%1843', TargetLinkedLogonId: 0, ElevatedToken: '%%1842',
    }));
  }

  logoff(t: Ticks, l: Logon): void {
    this.add('Security', security4634(this.o(t), {
      TargetUserSid: l.account.sid, TargetUserName: l.account.name, TargetDomainName: l.account.domain, TargetLogonId: l.id, LogonType: l.type,
    }));
  }
}

interface Logon {
  id: number;
  type: 3 | 5;
  account: Account;
}

const LSASS = binary('C:\\Windows\\System32\\lsass.exe', { description: 'Local Security Authority Process' });
const REG_KEYS = [
  'HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-18',
  'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated',
  'HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\{6f2c1d3e-9a4b-4c55-8e21-0d7a3b9c1f42}\\DhcpIPAddress',
  'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan\\Index',
  'HKLM\\System\\CurrentControlSet\\Control\\Print\\Printers\\Microsoft Print to PDF\\ChangeID',
];
const ACCOUNTS: readonly Account[] = [SYSTEM, LOCAL_SERVICE, NETWORK_SERVICE];
/** Ordinary installs every host logs now and then (7045 + 4697): Edge updating its services. */
const EDGE_INSTALLS = [
  { serviceName: 'edgeupdate', imagePath: '"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe" /svc' },
  { serviceName: 'MicrosoftEdgeElevationService', imagePath: '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\130.0.2849.68\\elevation_service.exe"' },
];

/** Writes one host's three logs. */
function writeHost(opts: EvtxFleetOptions, index: number, planted: PlantedDetail[]): EvtxFleetFile[] {
  const seed = opts.seed ?? 1;
  const rng = makeRng(seed * 104_729 + index);
  const computer = evtxHostName(index);
  const fh = new FleetHost(index, computer, 'elastic-ndjson', seed);
  fh.host.format = 'security-datasets'; // Sysmon is the sensor, not Elastic.
  fh.host.securityAuditing = true;
  const logs = new HostLogs(path.join(opts.outDir, computer), computer);
  const budget = opts.bytes / opts.hosts - 2 * 69_632;

  const boot = FLEET_T0 + Math.floor((index % 60) * 60 * SECOND) + int(rng, 0, 9_999_999);
  const booted = fh.bootEvents(boot);
  for (const a of booted) logs.processStart(a.t, a.proc);
  const services = booted[0]?.proc.parent;
  if (!services) throw new Error('no services.exe');
  const longLived = booted.map((a) => a.proc);
  const lsass = spawn(fh.host, LSASS, boot + 4 * SECOND, 'C:\\Windows\\system32\\lsass.exe', SYSTEM, services.parent);

  // Installs (ordinary and planted) and the planted service's activity, in time order.
  const scheduled: Activity[] = EDGE_INSTALLS.map((s, i) => ({
    kind: 'install' as const, t: FLEET_T0 + (4 + 9 * i + (index % 5)) * DAY + int(rng, 0, 20) * HOUR, proc: services,
    service: { serviceName: s.serviceName, imagePath: s.imagePath, file: BIN.edgeUpdate, account: 'LocalSystem', startType: 'auto' as const, installer: SYSTEM },
  }));
  for (const p of planted) scheduled.push(...fh.plantedEvents(p));
  scheduled.sort((x, y) => x.t - y.t);
  const system: EventSpec[] = [];
  let next = 0;

  const recent: Proc[] = [];
  let logonId = 0x40000 + index * 7;
  let pending: Logon | null = null;
  const start = FLEET_T0 + 2 * HOUR;
  const span = FLEET_DAYS * DAY - 2 * HOUR - 60 * SECOND;
  const size = () => logs.sysmon.size + logs.security.size;
  const first = size();
  const emit = (a: Activity, t: Ticks): void => {
    switch (a.kind) {
      case 'process': logs.processStart(t, a.proc); break;
      case 'network': logs.network(t, a, rng() < 0.4); break;
      case 'file': logs.file(t, a); break;
      case 'image': logs.image(t, a); break;
      case 'install': system.push(logs.install(t, a)); break;
    }
  };
  for (let done = first; done < budget; done = size()) {
    const t = start + Math.floor(((done - first) / Math.max(1, budget - first)) * span) + int(rng, 0, 9_999);
    while (next < scheduled.length && (scheduled[next]?.t ?? Infinity) <= t) {
      const a = scheduled[next++] as Activity;
      emit(a, a.t);
    }
    const r = rng();
    if (r < 0.07) {
      const a = fh.process(t);
      if (a.kind === 'process' && a.proc.parent !== services) {
        recent.push(a.proc);
        if (recent.length > 6) recent.shift();
      }
      emit(a, t);
    } else if (r < 0.12 && recent.length > 0) {
      logs.processEnd(t, recent.shift() as Proc);
    } else if (r < 0.27) {
      emit(fh.network(t), t);
    } else if (r < 0.40) {
      emit(fh.image(t), t);
    } else if (r < 0.52) {
      emit(fh.file(t), t);
    } else if (r < 0.62) {
      logs.access(t, longLived[int(rng, 0, longLived.length - 1)] ?? services, lsass);
    } else if (r < 0.84) {
      const p = longLived[int(rng, 0, longLived.length - 1)] ?? services;
      logs.registry(t, p, REG_KEYS[int(rng, 0, REG_KEYS.length - 1)] ?? '', rng() < 0.75);
    } else if (pending && rng() < 0.5) {
      logs.logoff(t, pending);
      pending = null;
    } else {
      pending = { id: (logonId += int(rng, 3, 90)), type: rng() < 0.6 ? 5 : 3, account: ACCOUNTS[int(rng, 0, 2)] ?? SYSTEM };
      if (pending.type === 3) pending.account = { domain: 'CONTOSO', name: hostUser(index), sid: `S-1-5-21-1004336348-1177238915-682003330-${10_000 + index}`, logonId: 0 };
      logs.logon(t, pending, services);
    }
  }
  while (next < scheduled.length) {
    const a = scheduled[next++] as Activity;
    emit(a, a.t);
  }
  const infos: Array<[EvtxLog, EvtxFileInfo, string]> = [
    ['Sysmon', logs.sysmon.close(), path.join(logs.dir, LOG_FILES.Sysmon)],
    ['Security', logs.security.close(), path.join(logs.dir, LOG_FILES.Security)],
  ];
  const sysWriter = EvtxWriter.open(path.join(logs.dir, LOG_FILES.System));
  system.sort((x, y) => Number((x.timeCreated as bigint) - (y.timeCreated as bigint)));
  for (const e of system) {
    sysWriter.append(e);
    logs.counts.System[e.eventId] = (logs.counts.System[e.eventId] ?? 0) + 1;
  }
  infos.push(['System', sysWriter.close(), path.join(logs.dir, LOG_FILES.System)]);
  return infos.map(([log, info, p]) => ({ path: p, host: computer, log, records: info.records, bytes: info.bytes, events: logs.counts[log] }));
}

/** Writes the hosts of one worker (every `threads`-th host from `part`). */
export function writeEvtxHosts(opts: EvtxFleetOptions, part: number, threads: number): EvtxFleetFile[] {
  const planted = plan(opts);
  const out: EvtxFleetFile[] = [];
  for (let i = part; i < opts.hosts; i += threads) out.push(...writeHost(opts, i, planted.filter((p) => p.hostIndex === i)));
  return out;
}

// ---- worker threads ---------------------------------------------------------------

// The ESM build of tsx's API (its CommonJS build cannot register from an eval worker).
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const SELF = import.meta.url;
// The worker registers the TypeScript loader, imports this module and writes its share.
// Whatever happens it answers on its port and bumps the counter the blocked caller
// waits on, or the caller would wait forever.
const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const { opts, part, threads, port, done } = workerData;
let answered = false;
const answer = (message) => {
  if (answered) return;
  answered = true;
  port.postMessage(message);
  port.close();
  Atomics.add(new Int32Array(done), 0, 1);
  Atomics.notify(new Int32Array(done), 0);
};
const fail = (err) => answer({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
process.on('uncaughtException', fail);
import(${JSON.stringify(TSX_API)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(SELF)}); })
  .then((m) => answer({ files: m.writeEvtxHosts(opts, part, threads) }), fail);
`;

function writeInWorkers(opts: EvtxFleetOptions, threads: number): EvtxFleetFile[] {
  const done = new SharedArrayBuffer(4);
  const counter = new Int32Array(done);
  const running = new Map<number, { worker: Worker; port: MessagePort }>();
  for (let part = 0; part < threads; part++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { opts, part, threads, port: port2, done }, transferList: [port2] });
    running.set(part, { worker, port: port1 });
  }
  const parts: EvtxFleetFile[][] = [];
  let seen = 0;
  while (running.size > 0) {
    Atomics.wait(counter, 0, seen, 1_000);
    seen = Atomics.load(counter, 0);
    for (const [part, { worker, port }] of running) {
      const message = receiveMessageOnPort(port)?.message as { files?: EvtxFleetFile[]; error?: string } | undefined;
      if (!message) continue;
      running.delete(part);
      port.close();
      void worker.terminate();
      if (message.error !== undefined || !message.files) {
        for (const r of running.values()) void r.worker.terminate();
        throw new Error(`EVTX fleet worker ${part}: ${message.error ?? 'no result'}`);
      }
      parts[part] = message.files;
    }
  }
  // Host order, whatever the thread count.
  return parts.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes the fleet; the same options (seed defaults to 1) give the same bytes. `threads` defaults to the cores. */
export function generateEvtxFleet(opts: EvtxFleetOptions, run: { threads?: number } = {}): EvtxFleetResult {
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1 || opts.hosts > 49_000) throw new Error('hosts: 1 to 49,000');
  if (opts.bytes / opts.hosts < 4 * 69_632) throw new Error(`bytes: at least ${4 * 69_632} per host`);
  mkdirSync(opts.outDir, { recursive: true });
  const threads = Math.max(1, Math.min(run.threads ?? availableParallelism(), opts.hosts));
  const files = threads === 1
    ? writeEvtxHosts(opts, 0, 1).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    : writeInWorkers(opts, threads);
  return { files, planted: plantedEvtxServices(opts) };
}

// ---- command line -------------------------------------------------------------------

if (workerData === null && process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir = 'bench-data/evtx-fleet', bytes = '1e9', hosts = '100', threads] = process.argv.slice(2);
  const started = performance.now();
  const result = generateEvtxFleet(
    { outDir: path.resolve(outDir), bytes: Number(bytes), hosts: Number(hosts) },
    threads === undefined ? {} : { threads: Number(threads) },
  );
  const seconds = (performance.now() - started) / 1000;
  let total = 0;
  let records = 0;
  const byLog: Record<string, number> = {};
  for (const f of result.files) {
    total += f.bytes;
    records += f.records;
    byLog[f.log] = (byLog[f.log] ?? 0) + f.records;
  }
  for (const p of result.planted) process.stdout.write(`planted ${p.host} ${p.path} ${p.start}\n`);
  process.stdout.write(`${result.files.length} files, ${JSON.stringify(byLog)} records\n`);
  process.stdout.write(
    `${records} records, ${(total / 1e9).toFixed(2)} GB in ${seconds.toFixed(1)} s ` +
    `(${Math.round(records / seconds).toLocaleString('en-US')} records/s, ${(total / 1e6 / seconds).toFixed(0)} MB/s)\n`,
  );
}
