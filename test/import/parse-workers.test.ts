// Big files are parsed in worker threads: the case must come out exactly as when every
// file is parsed on the importing thread.
import { afterAll, describe, expect, it } from 'vitest';
import { corpus } from '../helpers/corpus.js';
import { tempCase } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { ParsePool } from '../../src-core/ingest/parse-channel.js';
import type { Db } from '../../src-core/store/case-db.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cases: Array<() => void> = [];
afterAll(() => cases.forEach((c) => c()));

function snapshot(db: Db): Record<string, unknown[]> {
  const q = (sql: string) => db.prepare(sql).all();
  return {
    files: q('SELECT path, sha256, status, format, records, stored, duplicates, skipped, failed, time_min, time_max, hosts FROM input_file ORDER BY id'),
    notes: q('SELECT f.path, n.level, n.reason, n.count, n.refs FROM import_note n JOIN input_file f ON f.id = n.file_id ORDER BY f.id, n.level, n.reason'),
    processes: q('SELECT ref, source, time, pid, path, command_line, implied FROM process_event ORDER BY ref, source, time, implied'),
    network: q('SELECT ref, time, remote_ip, remote_port FROM network_event ORDER BY ref, time'),
    files2: q('SELECT ref, target_path FROM file_event ORDER BY ref, target_path'),
    dlls: q('SELECT ref, dll_path FROM image_load ORDER BY ref, dll_path'),
    instances: q('SELECT e.ref, e.source, i.is_service, i.parent_name_lc FROM instance i JOIN process_event e ON e.id = i.event_id ORDER BY e.ref, e.source'),
  };
}

describe('parse workers', () => {
  it('store the same events, notes and instances as parsing on the importing thread', () => {
    const inputs = [corpus('json'), corpus('csv')];
    const inline = tempCase();
    const workers = tempCase();
    cases.push(inline.close, workers.close);
    const a = importFiles(inline.db, inputs, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    const before = ParsePool.started;
    const b = importFiles(workers.db, inputs, { workerMinBytes: 0, workers: 3 });
    expect(ParsePool.started - before).toBe(3);
    expect(b.files.map((f) => f.status)).toEqual(a.files.map((f) => f.status));
    expect(snapshot(workers.db)).toEqual(snapshot(inline.db));
    expect(a.files.reduce((n, f) => n + f.stored, 0)).toBeGreaterThan(290);
  });

  it('split a JSON file between workers and store it exactly as one thread does, in file order (decision 55)', () => {
    // JSON lines of every kind, repeated past many batches, with blank, broken, duplicate and over-deep lines among them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-split-'));
    cases.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const source = ['security-datasets/cmd_service_mod_fax_2020-10-2120454410.json', 'defender/streaming-api-excerpt.ndjson']
      .flatMap((f) => fs.readFileSync(path.join(corpus('json'), f), 'utf8').split('\n').filter((l) => l.trim() !== ''));
    const lines: string[] = [];
    for (let i = 0; lines.length < 2600; i++) {
      const l = source[i % source.length]!;
      lines.push(i % 97 === 5 ? '{"broken": ' : i % 131 === 7 ? '' : i % 151 === 9 ? '['.repeat(600) + ']'.repeat(600) : l);
    }
    const big = path.join(dir, 'mixed.ndjson');
    fs.writeFileSync(big, lines.join('\n') + '\n');
    const array = path.join(dir, 'array.json');
    fs.writeFileSync(array, `[${source.slice(0, 700).join(',\n')}]`);
    const inputs = [big, array, corpus('json')];
    const order = (db: Db) => db.prepare('SELECT ref, source FROM process_event ORDER BY id').all();
    const inline = tempCase();
    cases.push(inline.close);
    const a = importFiles(inline.db, inputs, { workerMinBytes: Number.MAX_SAFE_INTEGER });
    expect(a.files[0]!.failed).toBeGreaterThan(10);
    expect(a.files[0]!.duplicates).toBeGreaterThan(500);
    for (const workers of [2, 3]) {
      const split = tempCase();
      cases.push(split.close);
      const splitBefore = ParsePool.split;
      const b = importFiles(split.db, inputs, { workerMinBytes: 0, workers, splitMinBytes: 0 });
      // The two generated files and every corpus JSON file.
      expect(ParsePool.split - splitBefore).toBe(b.files.length);
      expect(b.files.map((f) => [f.status, f.records, f.stored, f.duplicates, f.failed])).toEqual(a.files.map((f) => [f.status, f.records, f.stored, f.duplicates, f.failed]));
      expect(snapshot(split.db)).toEqual(snapshot(inline.db));
      expect(order(split.db)).toEqual(order(inline.db));
    }
  });
});
