// One host's activity, built in any order and sorted by the writer. Keeps the boot
// chain (System, smss, wininit, services.exe) so every service instance has the
// right services.exe parent for the boot it started in.
import type { Rng } from './random.js';
import { int } from './random.js';
import type { Activity, Binary, Host, Proc, ServiceInstall } from './model.js';
import { SYSTEM, isSysmonHost, spawn } from './model.js';
import type { Remote, ServiceDef } from './catalog.js';
import { BIN } from './catalog.js';
import type { Ticks } from './time.js';
import { SECOND } from './time.js';

interface Boot {
  at: Ticks;
  system: Proc;
  services: Proc;
}

export class HostTimeline {
  readonly activities: Activity[] = [];
  /** The service name of every instance services.exe started (the System log's 7036 names it). */
  readonly serviceNames = new Map<Proc, string>();
  private readonly boots: Boot[] = [];

  constructor(readonly host: Host, readonly rng: Rng) {}

  /** Sub-millisecond noise, so timestamps use all seven fractional digits like real 100 ns clocks. */
  private jitter(t: Ticks): Ticks {
    return t + int(this.rng, 0, 9_999);
  }

  /** A boot at t: the chain up to services.exe exists but is not logged (sensors start later). */
  boot(at: Ticks): Boot {
    const t = this.jitter(at);
    const system = spawn(this.host, BIN.system, t, '', SYSTEM, null, 'System', 4);
    const smss = spawn(this.host, BIN.smss, t + 2 * SECOND, '\\SystemRoot\\System32\\smss.exe', SYSTEM, system);
    const wininit = spawn(this.host, BIN.wininit, t + 4 * SECOND, 'wininit.exe', SYSTEM, smss);
    const services = spawn(this.host, BIN.services, t + 5 * SECOND, 'C:\\Windows\\system32\\services.exe', SYSTEM, wininit);
    const boot = { at: t, system, services };
    this.boots.push(boot);
    return boot;
  }

  /** The boot running at t. */
  bootAt(t: Ticks): Boot {
    let found: Boot | undefined;
    for (const b of this.boots) if (b.at <= t) found = b;
    if (!found) throw new Error(`${this.host.name}: no boot before ${t}`);
    return found;
  }

  private push(a: Activity): void {
    this.activities.push(a);
  }

  process(at: Ticks, bin: Binary, cmd: string, parent: Proc, user = parent.user, integrity = parent.integrity): Proc {
    const t = this.jitter(at);
    const proc = spawn(this.host, bin, t, cmd, user, parent, integrity);
    this.push({ kind: 'process', t, proc });
    return proc;
  }

  /**
   * services.exe starts def (or another binary/command line for it) at t. With
   * ownImage, Sysmon hosts also log the process's own image as an event 7, as Sysmon
   * does (spec 7.11); EDRs do not. Left off for the frequent short-lived services to
   * keep the demo files small.
   */
  startService(t: Ticks, def: ServiceDef, opts: { bin?: Binary; cmd?: string; ownImage?: boolean } = {}): Proc {
    const bin = opts.bin ?? def.bin;
    const proc = this.process(t, bin, opts.cmd ?? (def.cmd || bin.path), this.bootAt(t).services, def.account, 'System');
    this.serviceNames.set(proc, def.serviceName);
    if (opts.ownImage && isSysmonHost(this.host.format)) this.image(proc.start + 3 * 10_000, proc, bin);
    return proc;
  }

  network(t: Ticks, proc: Proc, remote: Remote, inbound = false): void {
    this.push({
      kind: 'network', t: this.jitter(t), proc, remoteIp: remote.ip, remotePort: remote.port, remoteName: remote.name,
      localPort: inbound ? remote.port : int(this.rng, 49_700, 65_000), inbound,
    });
  }

  file(t: Ticks, proc: Proc, path: string, action: 'created' | 'modified' = 'modified', content: Binary | null = null): void {
    this.push({ kind: 'file', t: this.jitter(t), proc, path, action, content });
  }

  image(t: Ticks, proc: Proc, dll: Binary): void {
    this.push({ kind: 'image', t: this.jitter(t), proc, dll });
  }

  install(t: Ticks, service: ServiceInstall): void {
    this.push({ kind: 'install', t: this.jitter(t), proc: this.bootAt(t).services, service });
  }
}
