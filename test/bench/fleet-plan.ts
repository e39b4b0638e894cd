// Who is where in a bench fleet, decided before any event is written: which hosts
// go to which file, how many events each file gets, and which hosts carry a planted
// rare service. Pure function of the options, so the bench can ask what was planted
// without generating anything.
import path from 'node:path';
import type { Rng } from '../../samples/generator/random.js';
import { int, makeRng } from '../../samples/generator/random.js';
import type { Binary } from '../../samples/generator/model.js';
import { binary } from '../../samples/generator/catalog.js';
import type { Ticks } from '../../samples/generator/time.js';
import { DAY, HOUR, SECOND, at, iso7 } from '../../samples/generator/time.js';

export type FleetFormat = 'defender-csv' | 'elastic-ndjson';

export interface FleetOptions {
  outDir: string;
  hosts: number;
  /** Total events over all files (rows/documents, headers not counted). */
  events: number;
  formats: FleetFormat[];
  seed?: number;
  filesPerFormat?: number;
}

export interface PlannedFile {
  path: string;
  format: FleetFormat;
  events: number;
  hostIndexes: number[];
}

export interface PlantedFleetService {
  /** Host name as written in the data, and its host key (lowercase, cut at the first dot). */
  host: string;
  hostKey: string;
  format: FleetFormat;
  file: string;
  serviceName: string;
  name: string;
  path: string;
  sha256: string;
  /** Start of the service instance, ISO 8601 UTC with 7 digits. */
  start: string;
}

export interface PlantedDetail extends PlantedFleetService {
  hostIndex: number;
  t: Ticks;
  bin: Binary;
  dir: string;
  stem: string;
}

export interface FleetPlan {
  seed: number;
  files: PlannedFile[];
  hostNames: string[];
  planted: PlantedDetail[];
}

export const FLEET_T0 = at(2026, 10, 1);
export const FLEET_DAYS = 30;
const EXT: Record<FleetFormat, string> = { 'defender-csv': 'csv', 'elastic-ndjson': 'ndjson' };

export function hostName(index: number, format: FleetFormat): string {
  const short = `wks-${String(index + 1).padStart(5, '0')}`;
  return format === 'defender-csv' ? `${short}.corp.contoso.local` : short;
}

/** The account that logs on to a host (planted user-profile paths use it). */
export function hostUser(index: number): string {
  return `user${String(index + 1).padStart(5, '0')}`;
}

function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function letters(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += 'abcdefghjkmnpqrstuvwxyz'[int(rng, 0, 22)];
  return s;
}

/** Rare services: ~0.1% of hosts, at least one per format, each on its own host. */
function plant(opts: FleetOptions, seed: number, files: PlannedFile[], names: string[]): PlantedDetail[] {
  const rng = makeRng(seed ^ 0x5eed);
  const count = Math.min(opts.hosts, Math.max(opts.formats.length, Math.round(opts.hosts / 1000)));
  const used = new Set<number>();
  const paths = new Set<string>();
  const out: PlantedDetail[] = [];
  for (let p = 0; p < count; p++) {
    const format = opts.formats[p % opts.formats.length] ?? 'defender-csv';
    const candidates = files.filter((f) => f.format === format).flatMap((f) => f.hostIndexes).filter((h) => !used.has(h));
    if (candidates.length === 0) continue;
    const hostIndex = candidates[int(rng, 0, candidates.length - 1)] ?? 0;
    used.add(hostIndex);
    let stem = '';
    let dir = '';
    let serviceName = '';
    do {
      stem = letters(rng, 8);
      if (p % 3 === 0) [dir, serviceName] = ['C:\\Windows\\Temp', stem];
      else if (p % 3 === 1) [dir, serviceName] = [`C:\\ProgramData\\${stem.slice(0, 5)}`, `${stem.slice(0, 5)}svc`];
      else [dir, serviceName] = [`C:\\Users\\${hostUser(hostIndex)}\\AppData\\Local\\Temp`, `${stem}helper`];
    } while (paths.has(`${dir}\\${stem}`));
    const exe = p % 3 === 2 ? `${stem}${int(rng, 1000, 9999)}.exe` : `${stem}.exe`;
    paths.add(`${dir}\\${stem}`);
    const bin = binary(`${dir}\\${exe}`, {
      company: '', product: '', version: '', description: '', signed: 'unsigned', label: `bench-planted-${seed}-${p}`,
    });
    const t = FLEET_T0 + (18 + (p % 10)) * DAY + int(rng, 0, 23) * HOUR + int(rng, 0, 3_599) * SECOND + int(rng, 0, 9_999_999);
    const name = names[hostIndex] ?? '';
    const file = files.find((f) => f.hostIndexes.includes(hostIndex))?.path ?? '';
    out.push({
      host: name, hostKey: name.toLowerCase().split('.')[0] ?? name, format, file, serviceName, name: exe, path: bin.path,
      sha256: bin.sha256, start: iso7(t), hostIndex, t, bin, dir, stem,
    });
  }
  return out;
}

export function planFleet(opts: FleetOptions): FleetPlan {
  const seed = opts.seed ?? 1;
  const formats = opts.formats;
  const perFormat = opts.filesPerFormat ?? 1;
  if (formats.length === 0 || new Set(formats).size !== formats.length) throw new Error('formats: give each format once');
  if (!Number.isInteger(perFormat) || perFormat < 1) throw new Error('filesPerFormat must be a positive integer');
  if (!Number.isInteger(opts.hosts) || opts.hosts < formats.length * perFormat) {
    throw new Error(`hosts must be at least ${formats.length * perFormat} (one per file)`);
  }
  const names = Array.from({ length: opts.hosts }, (_, i) => hostName(i, formats[i % formats.length] ?? 'defender-csv'));
  const files: PlannedFile[] = [];
  const eventsPerFormat = split(opts.events, formats.length);
  formats.forEach((format, f) => {
    const perFile = split(eventsPerFormat[f] ?? 0, perFormat);
    for (let k = 0; k < perFormat; k++) {
      const hostIndexes: number[] = [];
      for (let i = f; i < opts.hosts; i += formats.length) if (Math.floor(i / formats.length) % perFormat === k) hostIndexes.push(i);
      files.push({
        path: path.join(opts.outDir, `fleet-${format}-${String(k + 1).padStart(2, '0')}.${EXT[format]}`),
        format, events: perFile[k] ?? 0, hostIndexes,
      });
    }
  });
  return { seed, files, hostNames: names, planted: plant(opts, seed, files, names) };
}

/** What generateFleet(opts) plants, without generating: host, name, path and start of each. */
export function plantedFleetServices(opts: FleetOptions): PlantedFleetService[] {
  return planFleet(opts).planted.map(({ host, hostKey, format, file, serviceName, name, path: p, sha256, start }) => ({
    host, hostKey, format, file, serviceName, name, path: p, sha256, start,
  }));
}
