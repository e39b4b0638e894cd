// The ordinary Windows fleet: binaries with fixed paths and hashes, and the services
// that run them. Every host runs the same builds, so each ordinary service has one
// hash and one normalized path fleet-wide and is never rare by binary or path.
import type { Rng } from './random.js';
import { fakeHashes, hex, int } from './random.js';
import type { Account, Binary, HostFormat, SignState } from './model.js';
import { LOCAL_SERVICE, NETWORK_SERVICE, SYSTEM, baseNameOf } from './model.js';

const MS = 'Microsoft Corporation';
const WINDOWS = 'Microsoft® Windows® Operating System';
const OS_VERSION = '10.0.22621.4317';

interface BinaryInfo {
  company?: string;
  product?: string;
  version?: string;
  description?: string;
  originalName?: string;
  signer?: string;
  signed?: SignState;
  size?: number;
  /** Hash label; defaults to the lowercased path. Same label, same hashes. */
  label?: string;
}

export function binary(path: string, info: BinaryInfo = {}): Binary {
  const name = baseNameOf(path);
  const label = info.label ?? path.toLowerCase();
  const h = fakeHashes(label);
  const signed = info.signed ?? 'trusted';
  return {
    name, path, ...h,
    size: info.size ?? 20_480 + (parseInt(h.md5.slice(0, 5), 16) % 2_000_000),
    company: info.company ?? MS,
    product: info.product ?? WINDOWS,
    version: info.version ?? OS_VERSION,
    description: info.description ?? '',
    originalName: info.originalName ?? name,
    internalName: (info.originalName ?? name).replace(/\.(exe|dll)$/i, ''),
    signer: info.signer ?? (signed === 'unsigned' ? '' : 'Microsoft Windows'),
    signed,
  };
}

/** The same file under another path (DismHost in a per-host GUID folder). */
export function relocated(bin: Binary, path: string): Binary {
  return { ...bin, path, name: baseNameOf(path) };
}

const SYS32 = 'C:\\Windows\\System32';
const DEFENDER_PLATFORM = 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23090.2008-0';
const EDGE_UPDATE = 'C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe';
const SENSE = 'C:\\Program Files\\Windows Defender Advanced Threat Protection';
const ELASTIC_COMPONENTS = 'C:\\Program Files\\Elastic\\Agent\\data\\elastic-agent-8.15.2-1a5a3e\\components';
const SERVICING_STACK =
  'C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.22621.4240_none_2a6f0f1a5b9e5e64';

export const BIN = {
  system: binary('System', { description: 'NT Kernel & System', originalName: 'ntoskrnl.exe' }),
  ntoskrnl: binary(`${SYS32}\\ntoskrnl.exe`, { description: 'NT Kernel & System', originalName: 'ntkrnlmp.exe' }),
  smss: binary(`${SYS32}\\smss.exe`, { description: 'Windows Session Manager' }),
  wininit: binary(`${SYS32}\\wininit.exe`, { description: 'Windows Start-Up Application' }),
  services: binary(`${SYS32}\\services.exe`, { description: 'Services and Controller app' }),
  svchost: binary(`${SYS32}\\svchost.exe`, { description: 'Host Process for Windows Services' }),
  spoolsv: binary(`${SYS32}\\spoolsv.exe`, { description: 'Spooler SubSystem App' }),
  msiexec: binary(`${SYS32}\\msiexec.exe`, { description: 'Windows® installer', version: '5.0.22621.4317' }),
  msiexec32: binary('C:\\Windows\\SysWOW64\\msiexec.exe', { description: 'Windows® installer', version: '5.0.22621.4317' }),
  trustedInstaller: binary('C:\\Windows\\servicing\\TrustedInstaller.exe', { description: 'Windows Modules Installer' }),
  tiWorker: binary(`${SERVICING_STACK}\\TiWorker.exe`, { description: 'Windows Modules Installer Worker', version: '10.0.22621.4240' }),
  searchIndexer: binary(`${SYS32}\\SearchIndexer.exe`, { description: 'Microsoft Windows Search Indexer' }),
  searchProtocolHost: binary(`${SYS32}\\SearchProtocolHost.exe`, { description: 'Microsoft Windows Search Protocol Host' }),
  searchFilterHost: binary(`${SYS32}\\SearchFilterHost.exe`, { description: 'Microsoft Windows Search Filter Host' }),
  msMpEng: binary(`${DEFENDER_PLATFORM}\\MsMpEng.exe`, {
    description: 'Antimalware Service Executable', version: '4.18.23090.2008', signer: 'Microsoft Windows Publisher',
  }),
  mpCmdRun: binary(`${DEFENDER_PLATFORM}\\MpCmdRun.exe`, {
    description: 'Microsoft Malware Protection Command Line Utility', version: '4.18.23090.2008',
  }),
  vmtoolsd: binary('C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe', {
    company: 'VMware, Inc.', product: 'VMware Tools', version: '12.4.0.48309',
    description: 'VMware Tools Core Service', signer: 'VMware, Inc.',
  }),
  dismHost: binary('C:\\Windows\\Temp\\{00000000-0000-0000-0000-000000000000}\\DismHost.exe', {
    description: 'Dism Host Servicing Process', label: 'dismhost.exe',
  }),
  sppsvc: binary(`${SYS32}\\sppsvc.exe`, { description: 'Microsoft Software Protection Platform Service' }),
  vssvc: binary(`${SYS32}\\VSSVC.exe`, { description: 'Microsoft® Volume Shadow Copy Service' }),
  edgeUpdate: binary(EDGE_UPDATE, {
    product: 'Microsoft Edge Update', version: '1.3.195.31', description: 'Microsoft Edge Update', signer: MS,
  }),
  msSense: binary(`${SENSE}\\MsSense.exe`, {
    version: '10.8760.22621.1017', description: 'Windows Defender Advanced Threat Protection Service Executable',
  }),
  senseCncProxy: binary(`${SENSE}\\SenseCncProxy.exe`, {
    version: '10.8760.22621.1017', description: 'Windows Defender Advanced Threat Protection Communication Module',
  }),
  elasticEndpoint: binary('C:\\Program Files\\Elastic\\Endpoint\\elastic-endpoint.exe', {
    company: 'Elasticsearch B.V.', product: 'Elastic Endpoint', version: '8.15.2', description: 'Elastic Endpoint',
    signer: 'Elasticsearch, Inc.',
  }),
  elasticAgent: binary('C:\\Program Files\\Elastic\\Agent\\elastic-agent.exe', {
    company: 'Elasticsearch B.V.', product: 'Elastic Agent', version: '8.15.2', description: 'Elastic Agent',
    signer: 'Elasticsearch, Inc.',
  }),
  agentbeat: binary(`${ELASTIC_COMPONENTS}\\agentbeat.exe`, {
    company: 'Elasticsearch B.V.', product: 'Agentbeat', version: '8.15.2', description: 'Agentbeat',
    signer: 'Elasticsearch, Inc.',
  }),
  sysmon: binary('C:\\Windows\\Sysmon64.exe', {
    company: 'Sysinternals - www.sysinternals.com', product: 'Sysinternals Sysmon', version: '15.15',
    description: 'System activity monitor', signer: MS,
  }),
  taskhostw: binary(`${SYS32}\\taskhostw.exe`, { description: 'Host Process for Windows Tasks' }),
  wmiPrvSe: binary(`${SYS32}\\wbem\\WmiPrvSE.exe`, { description: 'WMI Provider Host' }),
  userinit: binary(`${SYS32}\\userinit.exe`, { description: 'Userinit Logon Application' }),
  explorer: binary('C:\\Windows\\explorer.exe', { description: 'Windows Explorer' }),
  msedge: binary('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', {
    product: 'Microsoft Edge', version: '129.0.2792.89', description: 'Microsoft Edge', signer: MS,
  }),
  outlook: binary('C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', {
    product: 'Microsoft Outlook', version: '16.0.18025.20140', description: 'Microsoft Outlook', signer: MS,
  }),
  notepad: binary(`${SYS32}\\notepad.exe`, { description: 'Notepad' }),
  cmd: binary(`${SYS32}\\cmd.exe`, { description: 'Windows Command Processor' }),
  conhost: binary(`${SYS32}\\conhost.exe`, { description: 'Console Window Host' }),
  whoami: binary(`${SYS32}\\whoami.exe`, { description: 'whoami - displays logged on user information' }),
  net: binary(`${SYS32}\\net.exe`, { description: 'Net Command' }),
  reg: binary(`${SYS32}\\reg.exe`, { description: 'Registry Console Tool' }),
  rundll32: binary(`${SYS32}\\rundll32.exe`, { description: 'Windows host process (Rundll32)' }),
  sc: binary(`${SYS32}\\sc.exe`, { description: 'Service Control Manager Configuration Tool' }),
  powershell: binary(`${SYS32}\\WindowsPowerShell\\v1.0\\powershell.exe`, { description: 'Windows PowerShell', originalName: 'PowerShell.EXE' }),
} as const;

/** Signed system DLLs that service instances load. */
export const DLL = {
  wininet: binary(`${SYS32}\\wininet.dll`, { description: 'Internet Extensions for Win32' }),
  winhttp: binary(`${SYS32}\\winhttp.dll`, { description: 'Windows HTTP Services' }),
  ws2_32: binary(`${SYS32}\\ws2_32.dll`, { description: 'Windows Socket 2.0 32-Bit DLL' }),
  crypt32: binary(`${SYS32}\\crypt32.dll`, { description: 'Crypto API32' }),
  rpcrt4: binary(`${SYS32}\\rpcrt4.dll`, { description: 'Remote Procedure Call Runtime' }),
  wbemcomn: binary(`${SYS32}\\wbemcomn.dll`, { description: 'WMI' }),
  msi: binary(`${SYS32}\\msi.dll`, { description: 'Windows Installer', version: '5.0.22621.4317' }),
  localspl: binary(`${SYS32}\\localspl.dll`, { description: 'Local Spooler DLL' }),
  mpsvc: binary(`${DEFENDER_PLATFORM}\\mpsvc.dll`, { description: 'Antimalware Service', version: '4.18.23090.2008' }),
  mssrch: binary(`${SYS32}\\mssrch.dll`, { description: 'Microsoft Search Service' }),
  vmtools: binary('C:\\Program Files\\VMware\\VMware Tools\\vmtools.dll', {
    company: 'VMware, Inc.', product: 'VMware Tools', version: '12.4.0.48309', description: 'VMware Tools Library',
    signer: 'VMware, Inc.',
  }),
  dismcore: binary('C:\\Windows\\Temp\\{00000000-0000-0000-0000-000000000000}\\DismCore.dll', {
    description: 'Dism Core DLL', label: 'dismcore.dll',
  }),
  sppobjs: binary(`${SYS32}\\sppobjs.dll`, { description: 'Software Protection Platform Plugins' }),
  vssapi: binary(`${SYS32}\\vssapi.dll`, { description: 'Microsoft® Volume Shadow Copy Requestor/Writer Services API DLL' }),
  cbscore: binary('C:\\Windows\\servicing\\CbsCore.dll', { description: 'Component Based Servicing Core' }),
} as const;

export interface Remote {
  ip: string;
  port: number;
  name: string;
}

export interface ChildSpec {
  bin: Binary;
  cmd: (rng: Rng) => string;
}

/** What one kind of service instance is and does; the schedule lives elsewhere. */
export interface ServiceDef {
  key: string;
  serviceName: string;
  bin: Binary;
  cmd: string;
  account: Account;
  children: ChildSpec[];
  dlls: Binary[];
  remotes: Remote[];
  /** Files it writes; {n} is replaced by a small counter. */
  files: string[];
}

const fixed = (cmd: string) => () => cmd;

function svchost(group: string, service: string, account: Account, extra: Partial<ServiceDef> = {}): ServiceDef {
  return {
    key: `svchost-${service.toLowerCase()}`, serviceName: service, bin: BIN.svchost,
    cmd: `C:\\Windows\\system32\\svchost.exe -k ${group} -p -s ${service}`, account,
    children: [], dlls: [DLL.rpcrt4], remotes: [], files: [], ...extra,
  };
}

export const SERVICES = {
  dcomLaunch: svchost('DcomLaunch', 'DcomLaunch', SYSTEM, {
    children: [{ bin: BIN.wmiPrvSe, cmd: fixed('C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding') }],
  }),
  schedule: svchost('netsvcs', 'Schedule', SYSTEM, {
    children: [
      { bin: BIN.taskhostw, cmd: fixed('taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly') },
      { bin: BIN.taskhostw, cmd: fixed('taskhostw.exe SYSTEM') },
    ],
  }),
  bits: svchost('netsvcs', 'BITS', SYSTEM, {
    dlls: [DLL.winhttp],
    remotes: [{ ip: '13.107.4.50', port: 443, name: 'fe3cr.delivery.mp.microsoft.com' }],
  }),
  dnscache: svchost('NetworkService', 'Dnscache', NETWORK_SERVICE, { remotes: [{ ip: '10.0.0.10', port: 53, name: 'dc01.contoso.local' }] }),
  eventLog: svchost('LocalServiceNetworkRestricted', 'EventLog', LOCAL_SERVICE, {
    files: ['C:\\Windows\\System32\\winevt\\Logs\\System.evtx'],
  }),
  spooler: {
    key: 'spoolsv', serviceName: 'Spooler', bin: BIN.spoolsv, cmd: 'C:\\Windows\\System32\\spoolsv.exe', account: SYSTEM,
    children: [], dlls: [DLL.localspl], remotes: [], files: ['C:\\Windows\\System32\\spool\\PRINTERS\\FP0000{n}.SHD'],
  },
  defender: {
    key: 'msmpeng', serviceName: 'WinDefend', bin: BIN.msMpEng, cmd: '"MsMpEng.exe"', account: SYSTEM,
    children: [{
      bin: BIN.mpCmdRun,
      cmd: fixed(`"${BIN.mpCmdRun.path}" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate`),
    }],
    dlls: [DLL.mpsvc], remotes: [{ ip: '20.42.65.84', port: 443, name: 'wdcp.microsoft.com' }],
    files: ['C:\\ProgramData\\Microsoft\\Windows Defender\\Support\\MPLog-20260901-081522.log'],
  },
  search: {
    key: 'searchindexer', serviceName: 'WSearch', bin: BIN.searchIndexer,
    cmd: 'C:\\Windows\\system32\\SearchIndexer.exe /Embedding', account: SYSTEM,
    children: [
      {
        bin: BIN.searchProtocolHost,
        cmd: (rng) => `"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe${int(rng, 1, 40)}_ ` +
          `Global\\UsGthrCtrlFltPipeMssGthrPipe${int(rng, 1, 40)} 1 -2147483646 "Software\\Microsoft\\Windows Search" ` +
          '"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" ' +
          '"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon" ',
      },
      {
        bin: BIN.searchFilterHost,
        cmd: (rng) => `"C:\\Windows\\system32\\SearchFilterHost.exe" 0 ${int(rng, 700, 900)} ${int(rng, 900, 1100)} 1108 {ab8902b4-09ca-4bb6-b78d-a8f59079a8d5} `,
      },
    ],
    dlls: [DLL.mssrch], remotes: [],
    files: ['C:\\ProgramData\\Microsoft\\Search\\Data\\Applications\\Windows\\Windows.edb'],
  },
  vmtools: {
    key: 'vmtoolsd', serviceName: 'VMTools', bin: BIN.vmtoolsd, cmd: '"C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe"',
    account: SYSTEM, children: [], dlls: [DLL.vmtools], remotes: [], files: [],
  },
  msSense: {
    key: 'mssense', serviceName: 'Sense', bin: BIN.msSense, cmd: '"MsSense.exe"', account: SYSTEM,
    children: [{ bin: BIN.senseCncProxy, cmd: fixed('"SenseCncProxy.exe" 1') }],
    dlls: [DLL.winhttp], remotes: [{ ip: '20.50.201.200', port: 443, name: 'eu-v20.events.data.microsoft.com' }],
    files: ['C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\Cache\\SenseCache{n}.bin'],
  },
  elasticEndpoint: {
    key: 'elastic-endpoint', serviceName: 'ElasticEndpoint', bin: BIN.elasticEndpoint,
    cmd: '"C:\\Program Files\\Elastic\\Endpoint\\elastic-endpoint.exe" run', account: SYSTEM,
    children: [], dlls: [DLL.crypt32], remotes: [{ ip: '10.0.0.21', port: 9200, name: 'es01.contoso.local' }],
    files: ['C:\\Program Files\\Elastic\\Endpoint\\state\\log\\endpoint-00000{n}.log'],
  },
  elasticAgent: {
    key: 'elastic-agent', serviceName: 'Elastic Agent', bin: BIN.elasticAgent,
    cmd: '"C:\\Program Files\\Elastic\\Agent\\elastic-agent.exe"', account: SYSTEM,
    children: [
      { bin: BIN.agentbeat, cmd: fixed(`"${BIN.agentbeat.path}" filebeat -E setup.ilm.enabled=false -E setup.template.enabled=false -E management.enabled=true`) },
      { bin: BIN.agentbeat, cmd: fixed(`"${BIN.agentbeat.path}" metricbeat -E setup.ilm.enabled=false -E setup.template.enabled=false -E management.enabled=true`) },
    ],
    dlls: [DLL.crypt32], remotes: [{ ip: '10.0.0.20', port: 8220, name: 'fleet.contoso.local' }], files: [],
  },
  sysmon: {
    key: 'sysmon64', serviceName: 'Sysmon64', bin: BIN.sysmon, cmd: 'C:\\Windows\\Sysmon64.exe', account: SYSTEM,
    children: [], dlls: [], remotes: [], files: [],
  },
  trustedInstaller: {
    key: 'trustedinstaller', serviceName: 'TrustedInstaller', bin: BIN.trustedInstaller,
    cmd: 'C:\\Windows\\servicing\\TrustedInstaller.exe', account: SYSTEM,
    children: [{ bin: BIN.tiWorker, cmd: fixed(`${BIN.tiWorker.path} -Embedding`) }],
    dlls: [DLL.cbscore], remotes: [], files: ['C:\\Windows\\Logs\\CBS\\CBS.log'],
  },
  msiServer: {
    key: 'msiexec', serviceName: 'msiserver', bin: BIN.msiexec, cmd: 'C:\\Windows\\system32\\msiexec.exe /V', account: SYSTEM,
    children: [
      { bin: BIN.msiexec, cmd: (rng) => `C:\\Windows\\System32\\MsiExec.exe -Embedding ${hex(rng, 32).toUpperCase()} E Global\\MSI0000` },
      { bin: BIN.msiexec32, cmd: (rng) => `C:\\Windows\\syswow64\\MsiExec.exe -Embedding ${hex(rng, 32).toUpperCase()}` },
    ],
    dlls: [DLL.msi], remotes: [], files: ['C:\\Windows\\Installer\\{n}a3f1e.msi'],
  },
  sppsvc: {
    key: 'sppsvc', serviceName: 'sppsvc', bin: BIN.sppsvc, cmd: 'C:\\Windows\\system32\\sppsvc.exe', account: NETWORK_SERVICE,
    children: [], dlls: [DLL.sppobjs], remotes: [{ ip: '20.118.99.224', port: 443, name: 'activation-v2.sls.microsoft.com' }],
    files: ['C:\\Windows\\System32\\spp\\store\\2.0\\data.dat'],
  },
  vss: {
    key: 'vssvc', serviceName: 'VSS', bin: BIN.vssvc, cmd: 'C:\\Windows\\system32\\vssvc.exe', account: SYSTEM,
    children: [], dlls: [DLL.vssapi], remotes: [], files: [],
  },
  dismHost: {
    key: 'dismhost', serviceName: 'DismHost', bin: BIN.dismHost, cmd: '', account: SYSTEM,
    children: [], dlls: [DLL.dismcore], remotes: [], files: ['C:\\Windows\\Logs\\DISM\\dism.log'],
  },
  edgeUpdate: {
    key: 'edgeupdate', serviceName: 'edgeupdate', bin: BIN.edgeUpdate, cmd: `"${EDGE_UPDATE}" /svc`, account: SYSTEM,
    children: [{ bin: BIN.edgeUpdate, cmd: fixed(`"${EDGE_UPDATE}" /ua /installsource scheduler`) }],
    dlls: [DLL.winhttp], remotes: [{ ip: '13.107.246.40', port: 443, name: 'msedge.api.cdp.microsoft.com' }], files: [],
  },
} satisfies Record<string, ServiceDef>;

/** Services every host starts at boot, plus the sensor of its telemetry source. */
export const BOOT_SERVICES: readonly ServiceDef[] = [
  SERVICES.dcomLaunch, SERVICES.eventLog, SERVICES.dnscache, SERVICES.schedule, SERVICES.spooler,
  SERVICES.defender, SERVICES.vmtools, SERVICES.search, SERVICES.bits,
];

export const SENSOR_SERVICES: Record<HostFormat, readonly ServiceDef[]> = {
  defender: [SERVICES.msSense],
  elastic: [SERVICES.elasticAgent, SERVICES.elasticEndpoint],
  'security-datasets': [SERVICES.sysmon],
  evtx: [SERVICES.sysmon],
};

/** DismHost runs from C:\Windows\Temp\{GUID}\ with a GUID per host: one normalized path. */
export function dismHostBinary(folderGuid: string): { bin: Binary; dll: Binary } {
  const dir = `C:\\Windows\\Temp\\{${folderGuid.toUpperCase()}}`;
  return { bin: relocated(BIN.dismHost, `${dir}\\DismHost.exe`), dll: relocated(DLL.dismcore, `${dir}\\DismCore.dll`) };
}

export function dismHostCmd(bin: Binary, rng: Rng): string {
  return `${bin.path} {${hex(rng, 8).toUpperCase()}-${hex(rng, 4).toUpperCase()}-${hex(rng, 4).toUpperCase()}-${hex(rng, 4).toUpperCase()}-${hex(rng, 12).toUpperCase()}}`;
}

/** Everyday user programs: activity that is not a service's, which the hunt must ignore. */
export const USER_APPS: readonly { bin: Binary; cmd: string; remote: Remote | null; file: string | null }[] = [
  {
    bin: BIN.msedge, cmd: '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --single-argument https://intranet.contoso.local/',
    remote: { ip: '10.0.0.40', port: 443, name: 'intranet.contoso.local' }, file: 'C:\\Users\\{user}\\Downloads\\report-q3.pdf',
  },
  {
    bin: BIN.outlook, cmd: '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" ',
    remote: { ip: '52.97.146.178', port: 443, name: 'outlook.office365.com' }, file: 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Outlook\\{user}@contoso.com.ost',
  },
  { bin: BIN.notepad, cmd: '"C:\\Windows\\system32\\notepad.exe" ', remote: null, file: 'C:\\Users\\{user}\\Documents\\notes.txt' },
];

