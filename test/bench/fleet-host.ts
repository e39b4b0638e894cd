// One bench host's live state: its boot chain, the service instances running now,
// the user's current program. Each call returns the next event of a kind, acting
// through these instances, so children, network, file and DLL events name the same
// service instance its start event created (Defender InitiatingProcess*, Elastic
// entity ids). State is a handful of processes per host, whatever the event count.
import type { Rng } from '../../samples/generator/random.js';
import { guid, int, makeRng } from '../../samples/generator/random.js';
import type { Account, Activity, Binary, Host, HostFormat, Proc } from '../../samples/generator/model.js';
import { SYSTEM, makeHost, spawn } from '../../samples/generator/model.js';
import type { Remote, ServiceDef } from '../../samples/generator/catalog.js';
import {
  BIN, BOOT_SERVICES, DLL, SENSOR_SERVICES, SERVICES, USER_APPS, binary, dismHostBinary, dismHostCmd,
} from '../../samples/generator/catalog.js';
import type { Ticks } from '../../samples/generator/time.js';
import { SECOND } from '../../samples/generator/time.js';
import type { FleetFormat, PlantedDetail } from './fleet-plan.js';
import { hostUser } from './fleet-plan.js';

interface Instance {
  def: ServiceDef;
  proc: Proc;
}

const PERIODIC: readonly ServiceDef[] = [
  SERVICES.trustedInstaller, SERVICES.msiServer, SERVICES.sppsvc, SERVICES.vss, SERVICES.dismHost, SERVICES.edgeUpdate,
];
const INTRANET: Remote = { ip: '10.0.0.40', port: 443, name: 'intranet.contoso.local' };
const USER_DLLS: readonly Binary[] = [DLL.wininet, DLL.crypt32, DLL.ws2_32];
const C2_NET = '203.0.113.';

const serviceFiles = new Map<ServiceDef, string[]>();

/** A service's file with {n} = n (1-9), built once per service. */
function serviceFile(def: ServiceDef, n: number): string {
  let paths = serviceFiles.get(def);
  if (paths === undefined) {
    const template = def.files[0] ?? '';
    paths = Array.from({ length: 10 }, (_, i) => template.replace('{n}', String(i)));
    serviceFiles.set(def, paths);
  }
  return paths[n] ?? '';
}

export const HOST_FORMAT: Record<FleetFormat, HostFormat> = { 'defender-csv': 'defender', 'elastic-ndjson': 'elastic' };

export class FleetHost {
  readonly host: Host;
  private readonly rng: Rng;
  private readonly user: Account;
  private readonly dism: { bin: Binary; dll: Binary };
  private system!: Proc;
  private services!: Proc;
  private explorer!: Proc;
  private userApp: { proc: Proc; app: (typeof USER_APPS)[number] } | null = null;
  private readonly boot = new Map<string, Instance>();
  private readonly periodic = new Map<string, Instance>();
  private withChildren: Instance[] = [];
  private withRemotes: Instance[] = [];
  private withFiles: Instance[] = [];
  private withDlls: Instance[] = [];
  private rr = 0;

  constructor(readonly index: number, name: string, format: FleetFormat, seed: number) {
    this.rng = makeRng(seed * 7_919 + index);
    this.host = makeHost(name, HOST_FORMAT[format], index, this.rng);
    this.user = { domain: 'CONTOSO', name: hostUser(index), sid: `S-1-5-21-1004336348-1177238915-682003330-${10_000 + index}`, logonId: int(this.rng, 300_000, 900_000) };
    this.dism = dismHostBinary(guid(this.rng));
  }

  /** Boots at t and returns the logged starts: boot services and the user's explorer.exe. */
  bootEvents(t: Ticks): Activity[] {
    const h = this.host;
    this.system = spawn(h, BIN.system, t, '', SYSTEM, null, 'System', 4);
    const smss = spawn(h, BIN.smss, t + 2 * SECOND, '\\SystemRoot\\System32\\smss.exe', SYSTEM, this.system);
    const wininit = spawn(h, BIN.wininit, t + 4 * SECOND, 'wininit.exe', SYSTEM, smss);
    this.services = spawn(h, BIN.services, t + 5 * SECOND, 'C:\\Windows\\system32\\services.exe', SYSTEM, wininit);
    const out: Activity[] = [];
    let at = this.services.start + 3 * SECOND;
    for (const def of [...BOOT_SERVICES, ...SENSOR_SERVICES[h.format]]) {
      at += int(this.rng, 2_000_000, 9_000_000);
      const proc = spawn(h, def.bin, at, def.cmd, def.account, this.services);
      this.boot.set(def.key, { def, proc });
      out.push({ kind: 'process', t: at, proc });
    }
    const logon = at + int(this.rng, 30, 120) * SECOND;
    const userinit = spawn(h, BIN.userinit, logon, 'C:\\Windows\\system32\\userinit.exe', this.user, this.system, 'Medium');
    this.explorer = spawn(h, BIN.explorer, logon + 2 * SECOND, 'C:\\Windows\\Explorer.EXE', this.user, userinit, 'Medium');
    out.push({ kind: 'process', t: this.explorer.start, proc: this.explorer });
    this.reindex();
    return out;
  }

  private reindex(): void {
    const all = [...this.boot.values(), ...this.periodic.values()];
    this.withChildren = all.filter((i) => i.def.children.length > 0);
    this.withRemotes = all.filter((i) => i.def.remotes.length > 0);
    this.withFiles = all.filter((i) => i.def.files.length > 0);
    this.withDlls = all.filter((i) => i.def.dlls.length > 0);
  }

  private pickFrom(list: Instance[]): Instance | null {
    return list.length === 0 ? null : (list[int(this.rng, 0, list.length - 1)] ?? null);
  }

  /** A process start: now and then a periodic service, mostly service children, else a user program. */
  process(t: Ticks): Activity {
    const r = this.rng();
    const h = this.host;
    if (r < 0.06) {
      const def = PERIODIC[this.rr++ % PERIODIC.length] ?? SERVICES.trustedInstaller;
      const isDism = def === SERVICES.dismHost;
      const bin = isDism ? this.dism.bin : def.bin;
      const dlls = isDism ? [this.dism.dll] : def.dlls;
      const proc = spawn(h, bin, t, isDism ? dismHostCmd(bin, this.rng) : def.cmd, def.account, this.services);
      this.periodic.set(def.key, { def: { ...def, dlls }, proc });
      this.reindex();
      return { kind: 'process', t, proc };
    }
    const parent = r < 0.6 ? this.withChildren[this.rr++ % Math.max(1, this.withChildren.length)] : undefined;
    if (parent) {
      const spec = parent.def.children[this.rr % parent.def.children.length];
      if (spec) return { kind: 'process', t, proc: spawn(h, spec.bin, t, spec.cmd(this.rng), parent.proc.user, parent.proc) };
    }
    const app = USER_APPS[this.rr++ % USER_APPS.length] ?? USER_APPS[0];
    if (!app) throw new Error('no user apps');
    const proc = spawn(h, app.bin, t, app.cmd, this.user, this.explorer, 'Medium');
    this.userApp = { proc, app };
    return { kind: 'process', t, proc };
  }

  /** The acting instance: a service two times in three, else the user's program. */
  private actor(list: Instance[]): Instance | null {
    return this.rng() < 0.65 || this.userApp === null ? this.pickFrom(list) : null;
  }

  network(t: Ticks): Activity {
    const svc = this.actor(this.withRemotes);
    const proc = svc?.proc ?? this.userApp?.proc ?? this.explorer;
    const remote = svc?.def.remotes[0] ?? this.userApp?.app.remote ?? INTRANET;
    return {
      kind: 'network', t, proc, remoteIp: remote.ip, remotePort: remote.port, remoteName: remote.name,
      localPort: int(this.rng, 49_700, 65_000), inbound: false,
    };
  }

  file(t: Ticks): Activity {
    const svc = this.actor(this.withFiles);
    if (svc) return { kind: 'file', t, proc: svc.proc, path: serviceFile(svc.def, int(this.rng, 1, 9)), action: 'modified', content: null };
    const proc = this.userApp?.proc ?? this.explorer;
    return { kind: 'file', t, proc, path: this.userFile(this.userApp?.app.file ?? 'C:\\Users\\{user}\\Documents\\notes.txt'), action: 'modified', content: null };
  }

  private readonly userFiles = new Map<string, string>();

  private userFile(template: string): string {
    let path = this.userFiles.get(template);
    if (path === undefined) {
      path = template.replaceAll('{user}', this.user.name);
      this.userFiles.set(template, path);
    }
    return path;
  }

  image(t: Ticks): Activity {
    const svc = this.actor(this.withDlls);
    if (svc) return { kind: 'image', t, proc: svc.proc, dll: svc.def.dlls[this.rr++ % svc.def.dlls.length] ?? DLL.rpcrt4 };
    return { kind: 'image', t, proc: this.userApp?.proc ?? this.explorer, dll: USER_DLLS[this.rr++ % USER_DLLS.length] ?? DLL.wininet };
  }

  /**
   * A planted rare service: installed (Defender logs it), started by services.exe,
   * loads an unsigned DLL from its folder, calls out, runs whoami and rundll32, writes a file.
   */
  plantedEvents(p: PlantedDetail): Activity[] {
    const h = this.host;
    const t = p.t;
    const dll = binary(`${p.dir}\\${p.stem}.dll`, {
      company: '', product: '', version: '', description: '', signed: 'unsigned', label: `${p.sha256}.dll`,
    });
    const svc = spawn(h, p.bin, t, p.bin.path, SYSTEM, this.services);
    const remote: Remote = { ip: `${C2_NET}${10 + (this.index % 200)}`, port: 443, name: `${p.stem}.example.net` };
    const cmd = spawn(h, BIN.cmd, t + 4 * SECOND, '"cmd.exe" /c whoami', SYSTEM, svc);
    const rundll = spawn(h, BIN.rundll32, t + 9 * SECOND, `"C:\\Windows\\System32\\rundll32.exe" ${p.dir}\\${p.stem}.dat,Start`, SYSTEM, svc);
    return [
      {
        kind: 'install', t: t - SECOND, proc: this.services,
        service: { serviceName: p.serviceName, imagePath: p.bin.path, file: p.bin, account: 'LocalSystem', startType: 'demand', installer: SYSTEM },
      },
      { kind: 'process', t, proc: svc },
      { kind: 'image', t: t + 3 * 1_000_000, proc: svc, dll },
      {
        kind: 'network', t: t + 2 * SECOND, proc: svc, remoteIp: remote.ip, remotePort: remote.port, remoteName: remote.name,
        localPort: 51_000 + (this.index % 9_000), inbound: false,
      },
      { kind: 'process', t: cmd.start, proc: cmd },
      { kind: 'process', t: rundll.start, proc: rundll },
      { kind: 'file', t: t + 12 * SECOND, proc: svc, path: `${p.dir}\\${p.stem}.dat`, action: 'created', content: null },
    ];
  }
}
