// Writes one file of a bench fleet: its hosts boot in the first hour, then events
// stream in time order to the end of the 30 days, with the planted services' events
// merged in at their times. Deterministic per (options, file), so files can be
// written in any order or in parallel.
import type { Activity } from '../../samples/generator/model.js';
import { DEFENDER_HEADER, defenderPieces } from '../../samples/generator/defender-csv.js';
import { elasticPieces } from '../../samples/generator/elastic-ndjson.js';
import type { Piece } from '../../samples/generator/pieces.js';
import { int, makeRng } from '../../samples/generator/random.js';
import { DAY, HOUR, SECOND } from '../../samples/generator/time.js';
import { ChunkedWriter } from './chunked-writer.js';
import type { FleetFormat, FleetPlan } from './fleet-plan.js';
import { FLEET_DAYS, FLEET_T0 } from './fleet-plan.js';
import { FleetHost } from './fleet-host.js';

export type EventKind = Activity['kind'];

export interface FleetFile {
  path: string;
  format: FleetFormat;
  /** Rows (CSV, header not counted) or documents (NDJSON). */
  events: number;
  bytes: number;
  hosts: number;
  kinds: Record<EventKind, number>;
}

function piecesOf(format: FleetFormat, a: Activity): Piece[] | null {
  return format === 'defender-csv' ? defenderPieces(a) : elasticPieces(a);
}

export function writeFleetFile(plan: FleetPlan, fileIndex: number): FleetFile {
  const file = plan.files[fileIndex];
  if (!file) throw new Error(`no file ${fileIndex} in the plan`);
  const rng = makeRng(plan.seed * 31 + fileIndex);
  const hosts = file.hostIndexes.map((i) => new FleetHost(i, plan.hostNames[i] ?? '', file.format, plan.seed));
  const byIndex = new Map(hosts.map((h) => [h.index, h]));

  // Boots spread over the first hour; this is the only per-file list, O(hosts).
  const boots = hosts.flatMap((h, j) => h.bootEvents(FLEET_T0 + Math.floor((j * HOUR) / hosts.length) + int(rng, 0, 9_999_999)));
  boots.sort((x, y) => x.t - y.t);
  const planted = plan.planted
    .filter((p) => p.file === file.path)
    .flatMap((p) => byIndex.get(p.hostIndex)?.plantedEvents(p) ?? [])
    // Elastic Defend has no service-install event.
    .filter((a) => file.format === 'defender-csv' || a.kind !== 'install');
  planted.sort((x, y) => x.t - y.t);

  // Steady events fill the rest; process starts are weighted so the file ends near 25% each.
  const fixed = boots.length + planted.length;
  const steady = file.events - fixed;
  if (steady < 0) throw new Error(`${file.path}: ${file.events} events cannot hold ${fixed} boot and planted events; raise events`);
  const processFixed = boots.length + planted.filter((a) => a.kind === 'process').length;
  const pProcess = steady === 0 ? 0 : Math.min(1, Math.max(0, (file.events / 4 - processFixed) / steady));

  const out = new ChunkedWriter(file.path);
  const kinds: Record<EventKind, number> = { process: 0, network: 0, file: 0, image: 0, install: 0 };
  // Pieces go out one by one: the long ones are cached with their UTF-8 bytes, and
  // joining them first would build and re-encode a new long string per event. Line
  // breaks go before each event: CSV has a header and no final LF (the corpus
  // export's layout); NDJSON gets its final LF at the end.
  const csv = file.format === 'defender-csv';
  let sep = csv ? '\n' : '';
  const emit = (a: Activity) => {
    const pieces = piecesOf(file.format, a);
    if (pieces === null) return;
    kinds[a.kind]++;
    const first = pieces[0] ?? '';
    if (typeof first === 'string') {
      out.write(sep + first);
    } else {
      out.write(sep);
      out.write(first);
    }
    sep = '\n';
    for (let i = 1; i < pieces.length; i++) out.write(pieces[i] as Piece);
  };
  if (csv) out.write(DEFENDER_HEADER.join(','));
  for (const a of boots) emit(a);

  const start = FLEET_T0 + 2 * HOUR;
  const step = (FLEET_DAYS * DAY - 2 * HOUR - 60 * SECOND) / Math.max(1, steady);
  const jitter = Math.max(0, Math.floor(step) - 1);
  let next = 0;
  for (let k = 0; k < steady; k++) {
    const t = start + Math.floor(k * step) + (jitter > 0 ? int(rng, 0, jitter) : 0);
    while (next < planted.length && (planted[next]?.t ?? Infinity) <= t) emit(planted[next++] as Activity);
    const host = hosts[int(rng, 0, hosts.length - 1)] as FleetHost;
    const r = rng();
    const rest = (r - pProcess) / (1 - pProcess);
    emit(r < pProcess ? host.process(t) : rest < 1 / 3 ? host.network(t) : rest < 2 / 3 ? host.file(t) : host.image(t));
  }
  while (next < planted.length) emit(planted[next++] as Activity);
  if (!csv && sep !== '') out.write('\n');
  const bytes = out.close();
  const events = kinds.process + kinds.network + kinds.file + kinds.image + kinds.install;
  return { path: file.path, format: file.format, events, bytes, hosts: hosts.length, kinds };
}
