// Evidence chain: every stored event points back to its input file (SHA-256) and to
// its record; the record reads back from the file; input files are never modified.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { corpus, REPO } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { rawRecord } from '../../src-core/api/raw-record.js';
import { instanceDetail } from '../../src-core/api/detail.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { EVENT_TABLES } from './lib/harness.js';

const c = tempCase();
const dir = tempDir();
afterAll(() => {
  c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** A zip member's bytes, read with yauzl on its own (a second reader for the check). */
function zipMember(archive: string, name: string): Buffer {
  const out = spawnSync(process.execPath, ['-e', `
    const yauzl = require('yauzl');
    yauzl.open(process.argv[1], { lazyEntries: true }, (err, zip) => {
      if (err) throw err;
      zip.on('entry', (e) => {
        if (e.fileName !== process.argv[2]) return zip.readEntry();
        zip.openReadStream(e, (err2, s) => { if (err2) throw err2; s.pipe(process.stdout); });
      });
      zip.readEntry();
    });`, archive, name], { maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(String(out.stderr));
  return out.stdout;
}

describe('evidence chain', () => {
  const inputs = [path.join(REPO, 'samples'), corpus('json'), corpus('csv')];
  const files = [
    ...fs.readdirSync(path.join(REPO, 'samples'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name)),
  ];
  const before = new Map(files.map((f) => [f, { sha: sha(f), mtime: fs.statSync(f).mtimeMs }]));
  importFiles(c.db, inputs);

  it('leaves every input file exactly as it was', () => {
    for (const [f, b] of before) {
      expect(sha(f), f).toBe(b.sha);
      expect(fs.statSync(f).mtimeMs, f).toBe(b.mtime);
    }
  });

  it('gives every stored event a file with its SHA-256 and a record reference', () => {
    for (const t of EVENT_TABLES) {
      const orphans = c.db.prepare(`SELECT count(*) AS n FROM ${t} e LEFT JOIN input_file f ON f.id = e.file_id WHERE f.id IS NULL OR f.status != 'complete' OR e.ref NOT GLOB '[lr]*[0-9]*'`).get() as { n: number };
      expect(orphans.n, t).toBe(0);
    }
    // A file on disk is hashed again; an archive member (`archive!/member`) is read out of its
    // archive by another reader (yauzl's own inflate, not the import's) and hashed.
    const files = c.db.prepare("SELECT path, sha256, container_id FROM input_file WHERE status = 'complete'").all() as Array<{
      path: string; sha256: string; container_id: number | null;
    }>;
    const members = files.filter((f) => f.container_id !== null);
    expect(members.length).toBeGreaterThan(0);
    for (const f of files) if (f.container_id === null) expect(f.sha256, f.path).toBe(sha(f.path));
    for (const f of members) {
      const [archive, member] = f.path.split('!/') as [string, string];
      expect(f.sha256, f.path).toBe(createHash('sha256').update(zipMember(archive, member)).digest('hex'));
    }
  });

  it('reads the PSEXESVC start records back from the files they came from', () => {
    const row = runHunt(c.db, huntParams('any')).rows.find((r) => r.host === 'srv-file02')!;
    const detail = instanceDetail(c.db, row.instanceId, { kind: 'all' });
    expect(detail.records.map((r) => r.source)).toEqual(['sysmon:1', 'security:4688']);
    for (const r of detail.records) {
      const raw = rawRecord(c.db, r.table, r.id);
      expect(raw.unavailable).toBeNull();
      const parsed = JSON.parse(raw.text!) as Record<string, unknown>;
      expect(parsed['Hostname']).toBe('SRV-FILE02');
      expect(String(parsed['Image'] ?? parsed['NewProcessName'])).toBe('C:\\Windows\\PSEXESVC.exe');
    }
  });

  it('reads an EVTX record back as its XML', () => {
    const d = tempCase();
    importFiles(d.db, [corpus('evtx', 'attack', 'apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx')]);
    const img = d.db.prepare("SELECT id, ref FROM image_load WHERE dll_path LIKE '%jli.dll'").get() as { id: number; ref: string };
    const raw = rawRecord(d.db, 'image', img.id);
    expect(raw.ref).toMatch(/^record \d+ \(chunk 0\)$/);
    expect(raw.text).toContain('<EventID>7</EventID>');
    expect(raw.text).toContain('<Data Name="ImageLoaded">C:\\Users\\IEUser\\Desktop\\info.rar\\jli.dll</Data>');
    d.close();
  });

  it('reads a CSV row back by its line, and refuses a file that changed since import', () => {
    const net = c.db.prepare("SELECT e.id, e.ref FROM network_event e JOIN input_file f ON f.id = e.file_id WHERE f.format = 'defender-csv' AND e.remote_ip = '20.50.201.200'").get() as { id: number; ref: string };
    const raw = rawRecord(c.db, 'network', net.id);
    expect(raw.ref).toBe(net.ref);
    expect(JSON.parse(raw.text!)).toMatchObject({ ActionType: 'ConnectionSuccess', RemoteIP: '20.50.201.200', InitiatingProcessFileName: 'MsSense.exe' });
    // A copy imported, then changed on disk: the chain says so instead of showing other data.
    const copy = path.join(dir, 'copy.ndjson');
    fs.copyFileSync(corpus('json', 'defender', 'streaming-api-excerpt.ndjson'), copy);
    const d = tempCase();
    importFiles(d.db, [copy]);
    fs.appendFileSync(copy, '\n');
    const id = (d.db.prepare('SELECT id FROM file_event LIMIT 1').get() as { id: number }).id;
    expect(rawRecord(d.db, 'file', id).unavailable).toMatch(/has changed since it was imported/);
    fs.rmSync(copy);
    expect(rawRecord(d.db, 'file', id).unavailable).toBe('the input file is no longer at this path');
    d.close();
  });
});
