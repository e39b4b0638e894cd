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

export const SAMPLE_FILES: Record<HostFormat, string> = {
  defender: 'defender/fleet-union.csv',
  elastic: 'elastic/fleet-endpoint.ndjson',
  'security-datasets': 'security-datasets/fleet-sysmon-security.json',
};

const WRITERS: Record<HostFormat, (activities: readonly Activity[]) => string> = {
  defender: defenderCsv,
  elastic: elasticNdjson,
  'security-datasets': securityDatasetsJson,
};

export const SAMPLES_DIR = path.dirname(fileURLToPath(import.meta.url));

export function generateSamples(outDir: string = SAMPLES_DIR): { files: string[]; planted: PlantedService[] } {
  const fleet = buildDemoFleet();
  const files: string[] = [];
  for (const format of Object.keys(SAMPLE_FILES) as HostFormat[]) {
    const activities = fleet.hosts.filter((h) => h.host.format === format).flatMap((h) => h.activities);
    const file = path.join(outDir, SAMPLE_FILES[format]);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, WRITERS[format](activities));
    files.push(file);
  }
  return { files, planted: fleet.planted };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, planted } = generateSamples(path.resolve(process.argv[2] ?? SAMPLES_DIR));
  for (const f of files) process.stdout.write(`wrote ${f}\n`);
  for (const p of planted) process.stdout.write(`planted ${p.id}: ${p.host} ${p.path} ${p.starts.join(', ')}\n`);
}
