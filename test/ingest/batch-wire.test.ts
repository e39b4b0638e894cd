// Batches cross from the parse workers packed into one flat array (decision 76): what the
// importing thread unpacks must be exactly what the parser made, outcome by outcome, for
// every input kind, records of one and of several items, skips and bad records.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { packBatch, unpackBatch, type PackedBatch } from '../../src-core/ingest/batch-wire.js';
import { parseInput, prepare } from '../../src-core/ingest/file-importer.js';
import { parseFile, sourceOpener, type Batch } from '../../src-core/ingest/parse-file.js';
import { corpus, REPO } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function batchesOf(file: string): Batch[] {
  const out: Batch[] = [];
  parseFile(parseInput(prepare({ path: file, explicit: true })), sourceOpener(null), (b) => out.push(b));
  return out;
}

/** What the importing thread gets: packed, cloned across threads as postMessage does, unpacked. */
const crossed = (b: Batch): Batch => unpackBatch(structuredClone(packBatch(b)));

describe('batches packed for the trip to the importing thread', () => {
  it('come back equal, outcome by outcome, over the corpus and the samples', () => {
    const d = tempDir();
    dirs.push(d);
    // Bad lines among good ones, for outcomes of every kind.
    const dirty = path.join(d, 'dirty.ndjson');
    const good = fs.readFileSync(path.join(REPO, 'samples', 'elastic', 'fleet-endpoint.ndjson'), 'utf8').split('\n').slice(0, 40);
    fs.writeFileSync(dirty, [...good.slice(0, 20), '{"broken": ', 'not json', ...good.slice(20), ''].join('\n'));
    const files = [
      corpus('csv', 'defender', 'advanced_hunting_test.csv'),
      path.join(REPO, 'samples', 'defender', 'fleet-union.csv'),
      corpus('json', 'defender', 'streaming-api-excerpt.ndjson'),
      path.join(REPO, 'samples', 'elastic', 'fleet-endpoint.ndjson'),
      corpus('evtx', 'parser-samples', 'sysmon.evtx'),
      corpus('evtx', 'parser-samples', 'security.evtx'),
      dirty,
    ];
    const seen = { r: 0, s: 0, e: 0, multi: 0, batches: 0 };
    for (const file of files) {
      for (const b of batchesOf(file)) {
        seen.batches++;
        for (const o of b.outcomes) {
          seen[o[0]]++;
          if (o[0] === 'r' && o[2].items.length > 1) seen.multi++;
        }
        expect(crossed(b), path.basename(file)).toStrictEqual(b);
      }
    }
    // The inputs really hold every kind of outcome, and records of several items.
    expect(seen.r).toBeGreaterThan(1000);
    expect(seen.s).toBeGreaterThan(0);
    expect(seen.e).toBeGreaterThanOrEqual(2);
    expect(seen.multi).toBeGreaterThan(0);
  });

  it('keep nulls, numbers, keyless records and empty batches as they were', () => {
    const b: Batch = {
      bytesRead: 123,
      seq: 7,
      outcomes: [
        ['r', 'line 2', { key: null, items: [['s', 'WS1', '2026-10-01T00:00:00Z', 'src', 'line 2', 'svc', null, null, 0, -0]] }],
        ['e', 'line 3', 'bad record', null],
        ['r', 'line 4', { key: 'k|4', items: [
          ['p', 'WS1', 't', 'src', 'line 4', 'k:a', null, 1, 4294967295, 'C:\\a.exe', 'a.exe', null, null, null, null, null, 'unknown', null, null, null, null, null, 0],
          ['n', 'WS1', 't', 'src', 'line 4', 'k:a', 12, 'C:\\a.exe', 'connect', 'tcp', '203.0.113.5', 443, null, '10.0.0.1', 50123, 'outbound'],
        ] }],
        ['s', 'line 5', 'not a process event'],
        ['e', 'line 6', 'bad record', 'detail with "quotes" and \u2028 and \ud800'],
      ],
    };
    expect(crossed(b)).toStrictEqual(b);
    expect(Object.is((crossed(b).outcomes[0] as ['r', string, { items: unknown[][] }])[2].items[0]![9], -0)).toBe(true);
    const empty: Batch = { outcomes: [], bytesRead: 0, seq: 0 };
    expect(crossed(empty)).toStrictEqual(empty);
  });

  it('refuses a malformed array', () => {
    const ok = packBatch({ bytesRead: 1, seq: 0, outcomes: [['s', 'line 1', 'why']] });
    const cut: PackedBatch = { ...ok, flat: ok.flat.slice(0, -1) };
    expect(() => unpackBatch(cut)).toThrow(/protocol/);
    expect(() => unpackBatch({ ...ok, flat: ['s', 'line 1'] })).toThrow(/protocol/);
    expect(() => unpackBatch({ ...ok, flat: [-1, 'line 1', null, 1, 5, 'p'] })).toThrow(/protocol/);
  });
});
