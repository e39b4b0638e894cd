// Security-Datasets (OTRF "Mordor") style: flattened Windows events, one JSON object
// per line, with the corpus's key names. TimeCreated is local time without a zone
// (this fleet's clocks run at UTC-5), Sysmon's UtcTime is UTC: importers infer the
// offset from the Sysmon pairs. The long Message text is kept only on 7045 and 4697,
// where analysts read it; the other records stay small.
import type { Account, Activity, Binary, Host, Proc } from './model.js';
import { SYSTEM, sysmonGuid } from './model.js';
import type { Ticks } from './time.js';
import { HOUR, spaced3 } from './time.js';

export const LOCAL_OFFSET = -5 * HOUR;
const MS = 10_000;
const SYSMON = { SourceName: 'Microsoft-Windows-Sysmon', Channel: 'Microsoft-Windows-Sysmon/Operational' };

function local(t: Ticks): string {
  return spaced3(t + LOCAL_OFFSET);
}

function sysmonHashes(b: Binary): string {
  return `SHA1=${b.sha1},MD5=${b.md5},SHA256=${b.sha256},IMPHASH=${b.imphash}`.toUpperCase();
}

function userName(a: Account): string {
  return `${a.domain}\\${a.name}`;
}

function hexId(n: number): string {
  return `0x${n.toString(16)}`;
}

function fileVersion(b: Binary): string {
  return b.version && b.company === 'Microsoft Corporation' ? `${b.version} (WinBuild.160101.0800)` : b.version || '-';
}

/** Who 4688/4697 name as the subject: services run as the machine account. */
function subject(a: Account, h: Host): Record<string, string> {
  const machine = a.sid === SYSTEM.sid || a.domain === 'NT AUTHORITY';
  return {
    SubjectUserSid: machine ? 'S-1-5-18' : a.sid,
    SubjectUserName: machine ? `${h.name}$` : a.name,
    SubjectDomainName: machine ? h.domain : a.domain,
    SubjectLogonId: hexId(machine ? 999 : a.logonId),
  };
}

const LABEL = { System: 'S-1-16-16384', High: 'S-1-16-12288', Medium: 'S-1-16-8192' } as const;
const ELEVATION = { System: '%%1936', High: '%%1937', Medium: '%%1938' } as const;

function logonGuid(p: Proc): string {
  return `{${p.host.guidPrefix}-0000-0000-${p.user.logonId === 999 ? 'e703' : 'd961'}-000000000000}`;
}

interface Line {
  t: Ticks;
  json: string;
}

function sysmon1(p: Proc): Line {
  const b = p.bin;
  const parent = p.parent;
  const logged = p.start + ((p.pid % 5) + 1) * MS;
  return {
    t: p.start,
    json: JSON.stringify({
      Company: b.company || '-', Task: '1', Description: b.description || '-', CommandLine: p.cmd,
      TimeCreated: local(logged), Product: b.product || '-', OriginalFileName: b.originalName || '-',
      User: userName(p.user), ParentProcessId: String(parent?.pid ?? 0), Channel: SYSMON.Channel,
      IntegrityLevel: p.integrity, ProcessGuid: sysmonGuid(p),
      CurrentDirectory: p.user.domain === 'NT AUTHORITY' ? 'C:\\Windows\\system32\\' : `C:\\Users\\${p.user.name}\\`,
      Hashes: sysmonHashes(b), UtcTime: spaced3(p.start), SourceName: SYSMON.SourceName,
      ParentCommandLine: parent?.cmd ?? '-', TerminalSessionId: p.user.logonId === 999 || p.integrity === 'System' ? '0' : '1',
      ProcessId: String(p.pid), ParentImage: parent?.bin.path ?? '-', FileVersion: fileVersion(b),
      ParentProcessGuid: parent ? sysmonGuid(parent) : '{00000000-0000-0000-0000-000000000000}', LogonGuid: logonGuid(p), Image: b.path,
      Hostname: p.host.name, LogonId: hexId(p.user.logonId), EventID: 1, RuleName: '-',
    }),
  };
}

function security4688(p: Proc): Line {
  const parent = p.parent;
  const t = p.start + ((p.pid % 3) + 2) * MS;
  return {
    t,
    json: JSON.stringify({
      ...subject(parent?.user ?? SYSTEM, p.host), TimeCreated: local(t), CommandLine: p.cmd,
      NewProcessId: hexId(p.pid), TargetLogonId: '0x0', TokenElevationType: ELEVATION[p.integrity],
      NewProcessName: p.bin.path, EventID: 4688, Channel: 'Security', Task: '13312', Hostname: p.host.name,
      ProcessId: hexId(parent?.pid ?? 0), MandatoryLabel: LABEL[p.integrity], ParentProcessName: parent?.bin.path ?? '',
      TargetUserSid: 'S-1-0-0', TargetDomainName: '-', SourceName: 'Microsoft-Windows-Security-Auditing', TargetUserName: '-',
    }),
  };
}

function sysmonBase(p: Proc, t: Ticks, eventId: number, lateMs: number): Record<string, string | number> {
  return {
    TimeCreated: local(t + lateMs * MS), SourceName: SYSMON.SourceName, UtcTime: spaced3(t), ProcessGuid: sysmonGuid(p),
    Image: p.bin.path, EventID: eventId, Channel: SYSMON.Channel, Task: String(eventId), RuleName: '-',
    Hostname: p.host.name, ProcessId: String(p.pid),
  };
}

function signatureStatus(b: Binary): { Signed: string; Signature: string; SignatureStatus: string } {
  if (b.signed === 'unsigned') return { Signed: 'false', Signature: '', SignatureStatus: 'Unavailable' };
  return { Signed: 'true', Signature: b.signer, SignatureStatus: b.signed === 'trusted' ? 'Valid' : 'Invalid' };
}

function serviceLines(a: Extract<Activity, { kind: 'install' }>): Line[] {
  const s = a.service;
  const h = a.proc.host;
  const start = s.startType === 'auto' ? 'auto start' : 'demand start';
  const system = {
    SourceName: 'Service Control Manager', ServiceName: s.serviceName, StartType: start, TimeCreated: local(a.t),
    Hostname: h.name, Task: '0', AccountName: s.account, ImagePath: s.imagePath, Channel: 'System',
    ServiceType: 'user mode service',
    Message: `A service was installed in the system.\r\n\r\nService Name:  ${s.serviceName}\r\nService File Name:  ${s.imagePath}` +
      `\r\nService Type:  user mode service\r\nService Start Type:  ${start}\r\nService Account:  ${s.account}`,
    EventID: 7045,
  };
  const subj = subject(s.installer, h);
  const code = s.startType === 'auto' ? '2' : '3';
  const security = {
    ServiceAccount: s.account, SubjectUserName: subj['SubjectUserName'], TimeCreated: local(a.t + 4 * MS), ServiceStartType: code,
    SubjectLogonId: subj['SubjectLogonId'], SubjectDomainName: subj['SubjectDomainName'], ServiceFileName: s.imagePath,
    SubjectUserSid: subj['SubjectUserSid'], EventID: 4697, Channel: 'Security', Task: '12289',
    Message: `A service was installed in the system.\r\n\r\nSubject:\r\n\tSecurity ID:\t\t${subj['SubjectUserSid']}\r\n` +
      `\tAccount Name:\t\t${subj['SubjectUserName']}\r\n\tAccount Domain:\t\t${subj['SubjectDomainName']}\r\n` +
      `\tLogon ID:\t\t${subj['SubjectLogonId']?.toUpperCase().replace('0X', '0x')}\r\n\r\nService Information:\r\n` +
      `\tService Name: \t\t${s.serviceName}\r\n\tService File Name:\t${s.imagePath}\r\n\tService Type: \t\t0x10\r\n` +
      `\tService Start Type:\t${code}\r\n\tService Account: \t\t${s.account}`,
    Hostname: h.name, ServiceType: '0x10', ServiceName: s.serviceName, SourceName: 'Microsoft-Windows-Security-Auditing',
  };
  const lines = [{ t: a.t, json: JSON.stringify(system) }];
  if (h.securityAuditing) lines.push({ t: a.t + 4 * MS, json: JSON.stringify(security) });
  return lines;
}

/**
 * The lines of one activity: a process start is Sysmon 1 (and 4688 where auditing is
 * on), an install is 7045 (and 4697).
 */
export function securityDatasetsLines(a: Activity): Line[] {
  const p = a.proc;
  switch (a.kind) {
    case 'process':
      return p.host.securityAuditing ? [sysmon1(p), security4688(p)] : [sysmon1(p)];
    case 'network': {
      const remote = { Ip: a.remoteIp, Port: String(a.remotePort), Hostname: a.remoteName, PortName: a.remotePort === 443 ? 'https' : '-' };
      const own = { Ip: p.host.ip, Port: String(a.localPort), Hostname: '-', PortName: '-' };
      const [src, dst] = a.inbound ? [remote, own] : [own, remote];
      return [{
        t: a.t,
        json: JSON.stringify({
          DestinationHostname: dst.Hostname, ...sysmonBase(p, a.t, 3, 900 + (a.localPort % 500)), Protocol: 'tcp',
          DestinationIp: dst.Ip, DestinationPortName: dst.PortName, SourcePortName: src.PortName, User: userName(p.user),
          SourceIp: src.Ip, DestinationIsIpv6: 'false', DestinationPort: dst.Port, SourceIsIpv6: 'false',
          SourceHostname: src.Hostname, Initiated: a.inbound ? 'false' : 'true', SourcePort: src.Port,
        }),
      }];
    }
    case 'file':
      return [{
        t: a.t,
        json: JSON.stringify({
          ...sysmonBase(p, a.t, 11, 2), TargetFilename: a.path, CreationUtcTime: spaced3(a.action === 'created' ? a.t : a.t - 3 * 24 * HOUR),
        }),
      }];
    case 'image': {
      const d = a.dll;
      return [{
        t: a.t,
        json: JSON.stringify({
          ...sysmonBase(p, a.t, 7, 5), ...signatureStatus(d), Product: d.product || '-', Hashes: sysmonHashes(d),
          ImageLoaded: d.path, FileVersion: fileVersion(d), Description: d.description || '-', Company: d.company || '-',
          OriginalFileName: d.originalName || '-',
        }),
      }];
    }
    case 'install':
      return serviceLines(a);
  }
}

/** A whole file's text: every line in time order, each ending in LF. */
export function securityDatasetsJson(activities: readonly Activity[]): string {
  const lines = activities.flatMap(securityDatasetsLines);
  lines.sort((x, y) => x.t - y.t);
  return lines.map((l) => `${l.json}\n`).join('');
}
