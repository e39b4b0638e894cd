// Defender advanced-hunting CSV, as the portal exports a `union` of tables: the
// corpus file's 72-column header, LF line ends, no BOM, cells quoted only when they
// hold a quote, comma or line break. A service instance is the new process
// (FileName, ProcessId, ProcessCreationTime...) of its own start row and the
// InitiatingProcess* of everything it does; its parent is InitiatingProcessParent*.
import type { Account, Activity, Binary, Host, Proc } from './model.js';
import { baseNameOf, folderOf } from './model.js';
import { BIN } from './catalog.js';
import type { Piece } from './pieces.js';
import { Fragment, joinPieces } from './pieces.js';
import type { Ticks } from './time.js';
import { iso7 } from './time.js';

export const DEFENDER_HEADER = (
  'Timestamp,DeviceId,DeviceName,ActionType,FileName,FolderPath,SHA1,SHA256,MD5,FileSize,' +
  'ProcessVersionInfoCompanyName,ProcessVersionInfoProductName,ProcessVersionInfoProductVersion,' +
  'ProcessVersionInfoInternalFileName,ProcessVersionInfoOriginalFileName,ProcessVersionInfoFileDescription,' +
  'ProcessId,ProcessCommandLine,ProcessIntegrityLevel,ProcessTokenElevation,ProcessCreationTime,AccountDomain,' +
  'AccountName,AccountSid,AccountUpn,AccountObjectId,LogonId,InitiatingProcessAccountDomain,' +
  'InitiatingProcessAccountName,InitiatingProcessAccountSid,InitiatingProcessAccountUpn,' +
  'InitiatingProcessAccountObjectId,InitiatingProcessLogonId,InitiatingProcessIntegrityLevel,' +
  'InitiatingProcessTokenElevation,InitiatingProcessSHA1,InitiatingProcessSHA256,InitiatingProcessMD5,' +
  'InitiatingProcessFileName,InitiatingProcessFileSize,InitiatingProcessVersionInfoCompanyName,' +
  'InitiatingProcessVersionInfoProductName,InitiatingProcessVersionInfoProductVersion,' +
  'InitiatingProcessVersionInfoInternalFileName,InitiatingProcessVersionInfoOriginalFileName,' +
  'InitiatingProcessVersionInfoFileDescription,InitiatingProcessId,InitiatingProcessCommandLine,' +
  'InitiatingProcessCreationTime,InitiatingProcessFolderPath,InitiatingProcessParentId,' +
  'InitiatingProcessParentFileName,InitiatingProcessParentCreationTime,InitiatingProcessSignerType,' +
  'InitiatingProcessSignatureStatus,ReportId,AppGuardContainerId,AdditionalFields,RemoteIP,RemotePort,' +
  'RemoteUrl,LocalIP,LocalPort,Protocol,LocalIPType,RemoteIPType,RemoteDeviceName,RegistryKey,' +
  'RegistryValueName,RegistryValueData,FileOriginUrl,FileOriginIP'
).split(',');

type Cells = Record<string, string>;

const FIRST_IP = DEFENDER_HEADER.indexOf('InitiatingProcessAccountDomain');
const LAST_IP = DEFENDER_HEADER.indexOf('InitiatingProcessSignatureStatus');
const QUOTE_NEEDED = /[",\r\n]/;

export function csvCell(value: string): string {
  return QUOTE_NEEDED.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Columns from..to of a row given by name, unnamed ones empty. */
function cellsOf(cells: Cells, from: number, to: number): string {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(csvCell(cells[DEFENDER_HEADER[i] ?? ''] ?? ''));
  return out.join(',');
}

/** Defender shows pid 4 as ntoskrnl.exe. */
function imageOf(p: Proc): Binary {
  return p.bin === BIN.system ? BIN.ntoskrnl : p.bin;
}

function elevation(p: Proc): string {
  return p.integrity === 'Medium' ? 'TokenElevationTypeLimited' : p.integrity === 'High' ? 'TokenElevationTypeFull' : 'TokenElevationTypeDefault';
}

/** The six VersionInfo cells (Company, Product, ProductVersion, InternalFileName, OriginalFileName, FileDescription). */
function versionInfo(b: Binary): string[] {
  return [b.company, b.product, b.version, b.version ? b.internalName : '', b.version ? b.originalName : '', b.description];
}

interface BinaryCells {
  /** InitiatingProcessSHA1 ... InitiatingProcessVersionInfoFileDescription (11 cells). */
  identity: string;
  /** InitiatingProcessFolderPath: the full path, lowercased as Defender prints it. */
  folder: string;
  /** InitiatingProcessSignerType, InitiatingProcessSignatureStatus. */
  signer: string;
}

const binaryCells = new WeakMap<Binary, BinaryCells>();

function cellsOfBinary(b: Binary): BinaryCells {
  let c = binaryCells.get(b);
  if (c === undefined) {
    const signerType = b.signed === 'unsigned' ? '' : b.company === 'Microsoft Corporation' ? 'OsVendor' : 'ThirdParty';
    const status = b.signed === 'trusted' ? 'Valid' : b.signed === 'untrusted' ? 'Invalid' : 'Unsigned';
    c = {
      identity: [b.sha1, b.sha256, b.md5, b.name, String(b.size), ...versionInfo(b)].map(csvCell).join(','),
      folder: csvCell(b.path.toLowerCase()),
      signer: `${signerType},${status}`,
    };
    binaryCells.set(b, c);
  }
  return c;
}

/**
 * The InitiatingProcess* block for p (28 cells), cached on the instance so every row
 * it initiates repeats exactly the same identity (pid, creation time, hashes).
 * Signer columns are only filled on DeviceProcessEvents rows, as in the corpus.
 */
function initiating(p: Proc, withSigner: boolean): Fragment {
  const hit = withSigner ? p.cache.defenderIpSigned : p.cache.defenderIp;
  if (hit !== undefined) return hit;
  const b = cellsOfBinary(imageOf(p));
  const parent = p.parent;
  const parentCells = parent ? `${parent.pid},${csvCell(imageOf(parent).name)},${iso7(parent.start)}` : '0,,';
  const fragment = new Fragment(
    `${accountCells(p.user)},${p.integrity},${elevation(p)},${b.identity},${p.pid},${csvCell(p.cmd)},${iso7(p.start)},` +
    `${b.folder},${parentCells},${withSigner ? b.signer : ','}`,
  );
  if (withSigner) p.cache.defenderIpSigned = fragment;
  else p.cache.defenderIp = fragment;
  return fragment;
}

const binHeads = new WeakMap<Binary, Fragment>();
const accounts = new WeakMap<Account, string>();
const devices = new WeakMap<Host, string>();

/** FileName ... ProcessVersionInfoFileDescription (12 cells) of a process row's new process. */
function binHead(b: Binary): Fragment {
  let f = binHeads.get(b);
  if (f === undefined) {
    f = new Fragment([b.name, b.path, b.sha1, b.sha256, b.md5, String(b.size), ...versionInfo(b)].map(csvCell).join(','));
    binHeads.set(b, f);
  }
  return f;
}

/** AccountDomain ... LogonId (6 cells). */
function accountCells(a: Account): string {
  let s = accounts.get(a);
  if (s === undefined) {
    s = [a.domain.toLowerCase(), a.name.toLowerCase(), a.sid, '', '', String(a.logonId)].map(csvCell).join(',');
    accounts.set(a, s);
  }
  return s;
}

/** DeviceId, DeviceName. */
function device(h: Host): string {
  let s = devices.get(h);
  if (s === undefined) {
    s = `${csvCell(h.deviceId)},${csvCell(h.name)}`;
    devices.set(h, s);
  }
  return s;
}

/** FileName, FolderPath, SHA1, SHA256, MD5, FileSize (6 cells). */
function fileHead(path: string, b: Binary | null, withSize: boolean): string {
  return `${csvCell(baseNameOf(path))},${csvCell(path)},${b?.sha1 ?? ''},${b?.sha256 ?? ''},${b?.md5 ?? ''},${b && withSize ? b.size : ''}`;
}

function isPrivate(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.)/.test(ip);
}

/** Defender logs a process row a few ms after the creation time it reports. */
export function defenderTime(a: Activity): Ticks {
  return a.kind === 'process' ? a.t + ((a.proc.pid % 40) + 5) * 1_000 : a.t;
}

// Runs of empty cells, written as the commas around them.
const EMPTY_17 = ','.repeat(17);
const EMPTY_22 = ','.repeat(22);
const EMPTY_16 = ','.repeat(16);

/**
 * The CSV line of one activity (DeviceProcess/Network/File/ImageLoad/Events rows) as
 * pieces; advances the host's ReportId. Columns: 27 up to LogonId, the 28
 * InitiatingProcess* cells, then 17 from ReportId on.
 */
export function defenderPieces(a: Activity): Piece[] {
  const host: Host = a.proc.host;
  const lead = `${iso7(defenderTime(a))},${device(host)}`;
  const reportId = host.reportId++;
  switch (a.kind) {
    case 'process': {
      const p = a.proc;
      if (!p.parent) throw new Error(`process ${p.bin.name} without a parent`);
      const own = `,${p.pid},${csvCell(p.cmd)},${p.integrity},${elevation(p)},${iso7(p.start)},${accountCells(p.user)},`;
      return [`${lead},ProcessCreated,`, binHead(imageOf(p)), own, initiating(p.parent, true), `,${reportId}${EMPTY_16}`];
    }
    case 'network': {
      const action = a.inbound ? 'InboundConnectionAccepted' : 'ConnectionSuccess';
      const url = a.remoteName === '-' ? '' : csvCell(a.remoteName);
      const net = `,${reportId},,,${a.remoteIp},${a.remotePort},${url},${host.ip},${a.localPort},Tcp,Private,` +
        `${isPrivate(a.remoteIp) ? 'Private' : 'Public'},,,,,,`;
      return [`${lead},${action},${EMPTY_22},`, initiating(a.proc, false), net];
    }
    case 'file': {
      const action = a.action === 'created' ? 'FileCreated' : 'FileModified';
      return [`${lead},${action},${fileHead(a.path, a.content, true)}${EMPTY_17},`, initiating(a.proc, false), `,${reportId}${EMPTY_16}`];
    }
    case 'image':
      return [`${lead},ImageLoaded,${fileHead(a.dll.path, a.dll, false)}${EMPTY_17},`, initiating(a.proc, false), `,${reportId}${EMPTY_16}`];
    case 'install': {
      const s = a.service;
      const fields = JSON.stringify({
        ServiceName: s.serviceName, ServiceType: 16, ServiceStartType: s.startType === 'auto' ? 2 : 3, ServiceAccount: s.account,
      });
      const cells: Cells = {
        Timestamp: iso7(a.t), DeviceId: host.deviceId, DeviceName: host.name, ActionType: 'ServiceInstalled',
        FileName: s.file.name, FolderPath: folderOf(s.file.path), ReportId: String(reportId), AdditionalFields: fields,
      };
      return [`${cellsOf(cells, 0, FIRST_IP - 1)},`, initiating(a.proc, false), `,${cellsOf(cells, LAST_IP + 1, DEFENDER_HEADER.length - 1)}`];
    }
  }
}

export function defenderRow(a: Activity): string {
  return joinPieces(defenderPieces(a));
}

/** A whole file's text: header, then rows in time order, joined by LF without a final LF (the corpus's style). */
export function defenderCsv(activities: readonly Activity[]): string {
  const sorted = [...activities].sort((x, y) => defenderTime(x) - defenderTime(y));
  return [DEFENDER_HEADER.join(','), ...sorted.map(defenderRow)].join('\n');
}
