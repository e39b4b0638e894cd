// Raw Windows event logs of one host, written by the tests' EVTX writer
// (test/fixtures/evtx-writer): Sysmon Operational (1, 3, 7, 11), Security (4688 and 4697
// where auditing is on) and System (7045 for installs, 7036 for every service start).
// The values are those of the Security-Datasets lines for the same activity
// (security-datasets.ts: same pids, GUIDs, hashes, delays), but times are UTC FILETIMEs
// and the Computer field is whatever the host's logs say, generic or not.
import type { EventSpec } from '../../test/fixtures/evtx-writer/index.js';
import {
  EvtxWriter, SCM_PROVIDER, dataFields, security4688v2, security4697, sysmonFileCreate, sysmonImageLoad, sysmonNetworkConnect,
  sysmonProcessCreate, system7045, table,
} from '../../test/fixtures/evtx-writer/index.js';
import type { Account, Activity, Binary, Host, Proc } from './model.js';
import { SYSTEM, sysmonGuid } from './model.js';
import type { Ticks } from './time.js';
import { DAY, EPOCH_MS, spaced3 } from './time.js';

export type EvtxLogName = 'Security' | 'System' | 'Sysmon';

/** The logs' file names, as in C:\Windows\System32\winevt\Logs. */
export const EVTX_FILE_NAMES: Record<EvtxLogName, string> = {
  Security: 'Security.evtx',
  System: 'System.evtx',
  Sysmon: 'Microsoft-Windows-Sysmon%4Operational.evtx',
};

export interface HostEvtx {
  files: Record<EvtxLogName, Buffer>;
  /** Records per log and event id. */
  events: Record<EvtxLogName, Record<number, number>>;
  /** When each log's last record was written. */
  lastWritten: Record<EvtxLogName, Ticks>;
}

/** What the Service Control Manager calls the services in 7036 (their display names). */
const DISPLAY_NAMES: Record<string, string> = {
  DcomLaunch: 'DCOM Server Process Launcher', EventLog: 'Windows Event Log', Dnscache: 'DNS Client', Schedule: 'Task Scheduler',
  Spooler: 'Print Spooler', WinDefend: 'Microsoft Defender Antivirus Service', VMTools: 'VMware Tools', WSearch: 'Windows Search',
  BITS: 'Background Intelligent Transfer Service', Sysmon64: 'Sysmon64', TrustedInstaller: 'Windows Modules Installer',
  msiserver: 'Windows Installer', sppsvc: 'Software Protection', VSS: 'Volume Shadow Copy',
  edgeupdate: 'Microsoft Edge Update Service (edgeupdate)', DiagTelemetrySvc: 'Diagnostics Telemetry Service',
};

const MS = 10_000;
const FT0 = BigInt(EPOCH_MS) * 10_000n + 116_444_736_000_000_000n;
const LABEL = { System: 'S-1-16-16384', High: 'S-1-16-12288', Medium: 'S-1-16-8192' } as const;
const ELEVATION = { System: '%%1936', High: '%%1937', Medium: '%%1938' } as const;
const NO_GUID = '{00000000-0000-0000-0000-000000000000}';
const SCM_7036 = table('param1', 'param2');

const fileTime = (t: Ticks): bigint => FT0 + BigInt(t);
const hashes = (b: Binary) => `SHA1=${b.sha1},MD5=${b.md5},SHA256=${b.sha256},IMPHASH=${b.imphash}`.toUpperCase();
const userName = (a: Account) => `${a.domain}\\${a.name}`;
const fileVersion = (b: Binary) => (b.version && b.company === 'Microsoft Corporation' ? `${b.version} (WinBuild.160101.0800)` : b.version || '-');
const logonGuid = (p: Proc) => `{${p.host.guidPrefix}-0000-0000-${p.user.logonId === 999 ? 'e703' : 'd961'}-000000000000}`;

interface Logged {
  t: Ticks;
  log: EvtxLogName;
  spec: EventSpec;
}

/** Who 4688/4697 name as the subject: services run as the machine account. */
function subject(a: Account, h: Host) {
  const machine = a.sid === SYSTEM.sid || a.domain === 'NT AUTHORITY';
  return {
    SubjectUserSid: machine ? 'S-1-5-18' : a.sid,
    SubjectUserName: machine ? `${(h.name.split('.')[0] ?? h.name).toUpperCase()}$` : a.name,
    SubjectDomainName: machine ? h.domain : a.domain,
    SubjectLogonId: machine ? 999 : a.logonId,
  };
}

function events(a: Activity, computer: string, serviceNames: ReadonlyMap<Proc, string>): Logged[] {
  const p = a.proc;
  const h = p.host;
  const o = (t: Ticks) => ({ computer, time: fileTime(t) });
  switch (a.kind) {
    case 'process': {
      const b = p.bin;
      const parent = p.parent;
      const logged = p.start + ((p.pid % 5) + 1) * MS;
      const out: Logged[] = [{
        t: logged, log: 'Sysmon',
        spec: sysmonProcessCreate(o(logged), {
          UtcTime: spaced3(p.start), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: b.path, FileVersion: fileVersion(b),
          Description: b.description || '-', Product: b.product || '-', Company: b.company || '-', OriginalFileName: b.originalName || '-',
          CommandLine: p.cmd, CurrentDirectory: p.user.domain === 'NT AUTHORITY' ? 'C:\\Windows\\system32\\' : `C:\\Users\\${p.user.name}\\`,
          User: userName(p.user), LogonGuid: logonGuid(p), LogonId: p.user.logonId,
          TerminalSessionId: p.user.logonId === 999 || p.integrity === 'System' ? 0 : 1, IntegrityLevel: p.integrity, Hashes: hashes(b),
          ParentProcessGuid: parent ? sysmonGuid(parent) : NO_GUID, ParentProcessId: parent?.pid ?? 0,
          ParentImage: parent?.bin.path ?? '-', ParentCommandLine: parent?.cmd ?? '-', ParentUser: parent ? userName(parent.user) : '-',
        }),
      }];
      if (h.securityAuditing) {
        const t = p.start + ((p.pid % 3) + 2) * MS;
        out.push({
          t, log: 'Security',
          spec: security4688v2(o(t), {
            ...subject(parent?.user ?? SYSTEM, h), NewProcessId: p.pid, NewProcessName: b.path, TokenElevationType: ELEVATION[p.integrity],
            ProcessId: parent?.pid ?? 0, CommandLine: p.cmd, TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-',
            TargetLogonId: 0, ParentProcessName: parent?.bin.path ?? '', MandatoryLabel: LABEL[p.integrity],
          }),
        });
      }
      const service = serviceNames.get(p);
      if (service !== undefined) {
        // The SCM reports the service running once it has started.
        const t = p.start + (40 + (p.pid % 50)) * MS;
        out.push({
          t, log: 'System',
          spec: {
            provider: SCM_PROVIDER, eventId: 7036, qualifiers: 16_384, version: 0, level: 4, task: 0, opcode: 0,
            keywords: 0x8080000000000000n, timeCreated: fileTime(t), processId: 708, threadId: 10_604, channel: 'System', computer,
            eventData: dataFields(SCM_7036, { param1: DISPLAY_NAMES[service] ?? service, param2: 'running' }),
          },
        });
      }
      return out;
    }
    case 'network': {
      const remote = { ip: a.remoteIp, port: a.remotePort, name: a.remoteName || '-', portName: a.remotePort === 443 ? 'https' : '-' };
      const own = { ip: h.ip, port: a.localPort, name: '-', portName: '-' };
      const [src, dst] = a.inbound ? [remote, own] : [own, remote];
      const t = a.t + (900 + (a.localPort % 500)) * MS;
      return [{
        t, log: 'Sysmon',
        spec: sysmonNetworkConnect(o(t), {
          UtcTime: spaced3(a.t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, User: userName(p.user), Protocol: 'tcp',
          Initiated: !a.inbound, SourceIsIpv6: false, SourceIp: src.ip, SourceHostname: src.name, SourcePort: src.port,
          SourcePortName: src.portName, DestinationIsIpv6: false, DestinationIp: dst.ip, DestinationHostname: dst.name,
          DestinationPort: dst.port, DestinationPortName: dst.portName,
        }),
      }];
    }
    case 'file': {
      const t = a.t + 2 * MS;
      return [{
        t, log: 'Sysmon',
        spec: sysmonFileCreate(o(t), {
          UtcTime: spaced3(a.t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, TargetFilename: a.path,
          CreationUtcTime: spaced3(a.action === 'created' ? a.t : a.t - 3 * DAY), User: userName(p.user),
        }),
      }];
    }
    case 'image': {
      const d = a.dll;
      const signed = d.signed !== 'unsigned';
      const t = a.t + 5 * MS;
      return [{
        t, log: 'Sysmon',
        spec: sysmonImageLoad(o(t), {
          UtcTime: spaced3(a.t), ProcessGuid: sysmonGuid(p), ProcessId: p.pid, Image: p.bin.path, ImageLoaded: d.path,
          FileVersion: fileVersion(d), Description: d.description || '-', Product: d.product || '-', Company: d.company || '-',
          OriginalFileName: d.originalName || '-', Hashes: hashes(d), Signed: signed, Signature: signed ? d.signer : '',
          SignatureStatus: d.signed === 'trusted' ? 'Valid' : signed ? 'Invalid' : 'Unavailable', User: userName(p.user),
        }),
      }];
    }
    case 'install': {
      const s = a.service;
      const out: Logged[] = [{
        t: a.t, log: 'System',
        spec: system7045({ ...o(a.t), userId: s.installer.sid }, {
          ServiceName: s.serviceName, ImagePath: s.imagePath, ServiceType: 'user mode service',
          StartType: s.startType === 'auto' ? 'auto start' : 'demand start', AccountName: s.account,
        }),
      }];
      if (h.securityAuditing) {
        const t = a.t + 4 * MS;
        out.push({
          t, log: 'Security',
          spec: security4697(o(t), {
            ...subject(s.installer, h), ServiceName: s.serviceName, ServiceFileName: s.imagePath, ServiceType: 0x10,
            ServiceStartType: s.startType === 'auto' ? 2 : 3, ServiceAccount: s.account,
          }),
        });
      }
      return out;
    }
  }
}

/**
 * One host's three logs, each in the order its events were logged. `computer` is the
 * Computer field of every record; `serviceNames` names the services services.exe started.
 */
export function hostEvtx(activities: readonly Activity[], computer: string, serviceNames: ReadonlyMap<Proc, string>): HostEvtx {
  const logged = activities.flatMap((a) => events(a, computer, serviceNames));
  logged.sort((x, y) => x.t - y.t);
  const out: HostEvtx = { files: {} as HostEvtx['files'], events: {} as HostEvtx['events'], lastWritten: {} as HostEvtx['lastWritten'] };
  for (const log of Object.keys(EVTX_FILE_NAMES) as EvtxLogName[]) {
    const w = EvtxWriter.inMemory();
    const c: Record<number, number> = {};
    let last = 0;
    for (const e of logged) {
      if (e.log !== log) continue;
      w.append(e.spec);
      c[e.spec.eventId] = (c[e.spec.eventId] ?? 0) + 1;
      last = e.t;
    }
    out.files[log] = w.finish().bytes;
    out.events[log] = c;
    out.lastWritten[log] = last;
  }
  return out;
}
