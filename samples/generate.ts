// Writes the demo fleet: `node bin/run-ts.mjs samples/generate.ts [OUT_DIR]`
// (default: this folder). Deterministic: same seed, same bytes, so the committed
// files can be checked by regenerating them (test/samples/samples.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Activity, HostFormat } from './generator/model.js';
import { buildDemoFleet } from './generator/demo-fleet.js';
import { defenderCsv } from './generator/defender-csv.js';
import { elasticNdjson } from './generator/elastic-ndjson.js';
import { securityDatasetsJson } from './generator/security-datasets.js';
import type { PlantedService } from './generator/planted.js';
import { COLLECTIONS, collectionFileName, collectionMembers, zipMembers } from './generator/velociraptor.js';

type TextFormat = Exclude<HostFormat, 'evtx'>;

export const SAMPLE_FILES: Record<TextFormat, string> = {
  defender: 'defender/fleet-union.csv',
  elastic: 'elastic/fleet-endpoint.ndjson',
  'security-datasets': 'security-datasets/fleet-sysmon-security.json',
};

/** The EVTX hosts' Velociraptor offline collections, one zip per host. */
export const COLLECTION_FILES: readonly string[] = COLLECTIONS.map((c) => `velociraptor/${collectionFileName(c)}`);

const WRITERS: Record<TextFormat, (activities: readonly Activity[]) => string> = {
  defender: defenderCsv,
  elastic: elasticNdjson,
  'security-datasets': securityDatasetsJson,
};

export const SAMPLES_DIR = path.dirname(fileURLToPath(import.meta.url));

export async function generateSamples(outDir: string = SAMPLES_DIR): Promise<{ files: string[]; planted: PlantedService[] }> {
  const fleet = buildDemoFleet();
  const files: string[] = [];
  const write = (rel: string, bytes: string | Buffer) => {
    const file = path.join(outDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    files.push(file);
  };
  for (const format of Object.keys(SAMPLE_FILES) as TextFormat[]) {
    const activities = fleet.hosts.filter((h) => h.host.format === format).flatMap((h) => h.activities);
    write(SAMPLE_FILES[format], WRITERS[format](activities));
  }
  for (const [i, c] of COLLECTIONS.entries()) {
    const tl = fleet.hosts.find((h) => h.host.name === c.host);
    if (!tl || tl.host.format !== 'evtx') throw new Error(`no EVTX host ${c.host} in the demo fleet`);
    write(COLLECTION_FILES[i] ?? '', await zipMembers(collectionMembers(c, tl)));
  }
  const collected = new Set(COLLECTIONS.map((c) => c.host));
  const uncollected = fleet.hosts.filter((h) => h.host.format === 'evtx' && !collected.has(h.host.name));
  if (uncollected.length > 0) throw new Error(`EVTX hosts without a collection: ${uncollected.map((h) => h.host.name).join(', ')}`);
  return { files, planted: fleet.planted };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, planted } = await generateSamples(path.resolve(process.argv[2] ?? SAMPLES_DIR));
  for (const f of files) process.stdout.write(`wrote ${f}\n`);
  for (const p of planted) process.stdout.write(`planted ${p.id}: ${p.host} ${p.path} ${p.starts.join(', ')}\n`);
}
