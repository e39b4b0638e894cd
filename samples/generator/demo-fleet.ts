// The 14-host demo fleet: ordinary service activity on every host (same binaries and
// hashes everywhere), then the planted rare services from planted.ts. The counts are
// chosen so an ordinary service with children has at least 6 child launches per host
// in the window (the "rare per host" measure flags 1-5).
import type { Rng } from './random.js';
import { guid, hex, int, makeRng, pick } from './random.js';
import type { Account, HostFormat, Proc } from './model.js';
import { makeHost, spawn } from './model.js';
import type { ServiceDef } from './catalog.js';
import { BIN, BOOT_SERVICES, SENSOR_SERVICES, SERVICES, USER_APPS, dismHostBinary, dismHostCmd } from './catalog.js';
import { HostTimeline } from './host-timeline.js';
import type { PlantedService } from './planted.js';
import { plantAll } from './planted.js';
import type { Ticks } from './time.js';
import { DAY, HOUR, MINUTE, SECOND, at } from './time.js';

export const FLEET_START = at(2026, 10, 1);
export const FLEET_END = at(2026, 10, 28, 23, 0);
/** Patch Tuesday is 2026-10-13; every host reboots the night after. */
const BOOTS: readonly Ticks[] = [at(2026, 10, 1, 11, 0), at(2026, 10, 14, 8, 0)];
const TI_PERIOD = 3 * DAY;

interface HostSpec {
  name: string;
  format: HostFormat;
  user: string | null;
  /** 4688/4697 logged besides Sysmon (only some hosts have the audit policy). */
  audit?: boolean;
}

export const DEMO_HOSTS: readonly HostSpec[] = [
  { name: 'fin-ws01.contoso.local', format: 'defender', user: 'mgarcia' },
  { name: 'fin-ws02.contoso.local', format: 'defender', user: 'tnguyen' },
  { name: 'hr-ws03.contoso.local', format: 'defender', user: 'lchen' },
  { name: 'sales-ws04.contoso.local', format: 'defender', user: 'pkowalski' },
  { name: 'srv-app01.contoso.local', format: 'defender', user: null },
  { name: 'eng-ws05', format: 'elastic', user: 'rpatel' },
  { name: 'eng-ws06', format: 'elastic', user: 'kjohansson' },
  { name: 'eng-ws07', format: 'elastic', user: 'aokafor' },
  { name: 'srv-build01', format: 'elastic', user: null },
  { name: 'WKS-OPS08', format: 'security-datasets', user: 'bsmith' },
  { name: 'WKS-OPS09', format: 'security-datasets', user: 'jdoe' },
  { name: 'SRV-FILE02', format: 'security-datasets', user: null, audit: true },
  // Raw event logs in Velociraptor offline collections (velociraptor.ts says what their logs call them).
  { name: 'WKS-OPS10', format: 'evtx', user: 'swilliams', audit: true },
  { name: 'SRV-APP02', format: 'evtx', user: null, audit: true },
];

export interface DemoFleet {
  hosts: HostTimeline[];
  planted: PlantedService[];
}

/** Context the planted scenarios need from a host's ordinary timeline. */
export interface HostContext {
  tl: HostTimeline;
  boots: readonly Ticks[];
  end: Ticks;
  user: Account | null;
  /** The user's explorer.exe of the boot running at t. */
  explorerAt(t: Ticks): Proc;
}

/** t, t + period, ... from `from` to `to`, each with a little jitter. */
function every(rng: Rng, from: Ticks, to: Ticks, period: Ticks, fn: (t: Ticks, n: number) => void): void {
  let n = 0;
  for (let t = from; t < to; t += period, n++) fn(t + int(rng, 0, 40 * 60) * SECOND + int(rng, 0, 9_999_999), n);
}

function buildHost(spec: HostSpec, index: number, seed: number): { tl: HostTimeline; ctx: HostContext } {
  const rng = makeRng(seed * 1_000 + index);
  const host = makeHost(spec.name, spec.format, index, rng, spec.audit ?? false);
  const tl = new HostTimeline(host, rng);
  const boots = BOOTS.map((b, i) => b + (index * (i + 2)) * MINUTE + int(rng, 0, 59) * SECOND);
  const user: Account | null = spec.user === null ? null : {
    domain: 'CONTOSO', name: spec.user, sid: `S-1-5-21-1004336348-1177238915-682003330-${1_104 + index}`,
    logonId: int(rng, 300_000, 900_000),
  };
  const explorers: Proc[] = [];
  const ctx: HostContext = {
    tl, boots, end: FLEET_END, user,
    explorerAt(t) {
      const e = [...explorers].reverse().find((p) => p.start <= t);
      if (!e) throw new Error(`${host.name}: no explorer at ${t}`);
      return e;
    },
  };
  const running = new Map<string, Proc[]>();
  const runningAt = (def: ServiceDef, t: Ticks): Proc => {
    const list = running.get(def.key) ?? [];
    const p = [...list].reverse().find((x) => x.start <= t);
    if (!p) throw new Error(`${host.name}: ${def.key} not running at ${t}`);
    return p;
  };

  const bootDefs = [...BOOT_SERVICES, ...SENSOR_SERVICES[spec.format]];
  for (const b of boots) {
    const boot = tl.boot(b);
    let t = boot.services.start + 3 * SECOND;
    for (const def of bootDefs) {
      t += int(rng, 200, 900) * 10_000;
      const p = tl.startService(t, def, { ownImage: true });
      running.set(def.key, [...(running.get(def.key) ?? []), p]);
      const dll = def.dlls[0];
      if (dll && b === boots[0]) tl.image(t + 40 * 10_000, p, dll);
    }
    if (user) {
      const logon = b + int(rng, 90, 300) * SECOND;
      const userinit = spawn(host, BIN.userinit, logon, 'C:\\Windows\\system32\\userinit.exe', user, boot.system, 'Medium');
      explorers.push(tl.process(logon + 2 * SECOND, BIN.explorer, 'C:\\Windows\\Explorer.EXE', userinit, user, 'Medium'));
    }
  }

  const first = boots[0] ?? FLEET_START;
  const from = first + HOUR;
  const child = (def: ServiceDef, t: Ticks, which = 0, parent = runningAt(def, t)) => {
    const spec = def.children[which % def.children.length];
    if (spec) tl.process(t, spec.bin, spec.cmd(rng), parent);
  };
  /** n times, evenly over the rest of the window after `offset`. */
  const spread = (n: number, offset: Ticks, fn: (t: Ticks, i: number) => void) => {
    const step = Math.floor((FLEET_END - from - offset) / n);
    every(rng, from + offset, from + offset + (n - 1) * step + 1, step, fn);
  };
  // Boot services' own work: six child launches each, the fewest that are not "rare per host".
  spread(6, 0, (t, n) => child(SERVICES.schedule, t, n));
  spread(6, 2 * HOUR, (t) => child(SERVICES.defender, t));
  spread(2, 3 * HOUR, (t) => tl.network(t, runningAt(SERVICES.bits, t), pick(rng, SERVICES.bits.remotes)));
  spread(2, 4 * HOUR, (t) => tl.network(t, runningAt(SERVICES.defender, t), pick(rng, SERVICES.defender.remotes)));
  spread(2, 5 * HOUR, (t) => tl.file(t, runningAt(SERVICES.defender, t), pick(rng, SERVICES.defender.files)));
  spread(2, 7 * HOUR, (t) => tl.file(t, runningAt(SERVICES.search, t), pick(rng, SERVICES.search.files)));
  spread(2, 8 * HOUR, (t, n) =>
    tl.file(t, runningAt(SERVICES.spooler, t), pick(rng, SERVICES.spooler.files).replace('{n}', String(n + 1)), 'created'));
  for (const def of SENSOR_SERVICES[spec.format]) {
    const remote = def.remotes[0];
    if (remote) spread(3, 11 * HOUR, (t) => tl.network(t, runningAt(def, t), remote));
    const file = def.files[0];
    if (file) spread(1, 12 * HOUR, (t, n) => tl.file(t, runningAt(def, t), file.replace('{n}', String(n + 1))));
  }

  // Services that come and go. TrustedInstaller runs every few days (daily would not
  // fit the 2 MB budget), each run launching TiWorker.
  const ti = SERVICES.trustedInstaller;
  every(rng, at(2026, 10, 2, 8, 10), FLEET_END, TI_PERIOD, (t, n) => {
    const p = tl.startService(t, ti);
    tl.process(t + int(rng, 1, 3) * SECOND, BIN.tiWorker, `${BIN.tiWorker.path} -Embedding`, p);
    if (n % 4 === 0) tl.file(t + int(rng, 20, 90) * SECOND, p, 'C:\\Windows\\Logs\\CBS\\CBS.log');
  });
  // Windows Installer: three sessions of two child msiexec each.
  for (const day of [6, 13, 22]) {
    const t = at(2026, 10, day, int(rng, 13, 20), int(rng, 0, 59), int(rng, 0, 59));
    const msi = SERVICES.msiServer;
    const p = tl.startService(t, msi);
    if (day === 13) {
      tl.image(t + SECOND, p, msi.dlls[0] ?? BIN.msiexec);
      tl.file(t + 2 * SECOND, p, `C:\\Windows\\Installer\\${hex(rng, 5)}.msi`, 'created');
    }
    for (let c = 0; c < 2; c++) child(msi, t + (5 + c * 11) * SECOND, c, p);
  }
  spread(2, 13 * HOUR, (t, n) => {
    const p = tl.startService(t, SERVICES.sppsvc);
    if (n === 0) tl.network(t + 3 * SECOND, p, pick(rng, SERVICES.sppsvc.remotes));
    else tl.image(t + SECOND, p, SERVICES.sppsvc.dlls[0] ?? BIN.sppsvc);
  });
  spread(3, 14 * HOUR, (t, n) => {
    const p = tl.startService(t, SERVICES.edgeUpdate);
    if (n === 1) tl.network(t + 4 * SECOND, p, pick(rng, SERVICES.edgeUpdate.remotes));
  });
  const dism = dismHostBinary(guid(rng));
  {
    const t = at(2026, 10, 13, int(rng, 9, 11), int(rng, 0, 59), int(rng, 0, 59));
    const p = tl.startService(t, SERVICES.dismHost, { bin: dism.bin, cmd: dismHostCmd(dism.bin, rng) });
    tl.image(t + SECOND, p, dism.dll);
    tl.file(t + 4 * SECOND, p, 'C:\\Windows\\Logs\\DISM\\dism.log');
  }
  {
    const t = at(2026, 10, 25, 2, int(rng, 0, 59), int(rng, 0, 59));
    const p = tl.startService(t, SERVICES.vss);
    tl.image(t + SECOND, p, SERVICES.vss.dlls[0] ?? BIN.vssvc);
  }

  // A user's working days: a program now and then, what it talks to and writes.
  if (user) {
    spread(5, 2 * HOUR, (t, n) => {
      const app = USER_APPS[n % USER_APPS.length] ?? pick(rng, USER_APPS);
      const p = tl.process(t, app.bin, app.cmd, ctx.explorerAt(t), user, 'Medium');
      if (app.remote) tl.network(t + int(rng, 2, 30) * SECOND, p, app.remote);
      else if (app.file) tl.file(t + int(rng, 60, 600) * SECOND, p, app.file.replaceAll('{user}', user.name), 'modified');
    });
  }
  return { tl, ctx };
}

export function buildDemoFleet(seed = 2026): DemoFleet {
  const built = DEMO_HOSTS.map((spec, i) => ({ spec, ...buildHost(spec, i, seed) }));
  const planted = plantAll(new Map(built.map((b) => [b.spec.name, b.ctx])));
  return { hosts: built.map((b) => b.tl), planted };
}
