// Real triage collections in one step (issue 10 items 1-3): each container and collector
// layout, made at test time from the shared corpus, imports exactly what its loose files
// import (the same events, counts and hunt rows), with the evidence chain through the
// containers, and re-imports store nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { corpus } from '../helpers/corpus.js';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { caseEvents } from '../helpers/case-events.js';
import { writeGzip, writeTar, writeZip, type Entry } from '../helpers/archives.js';
import { importFiles, type FileImportResult, type ImportOptions } from '../../src-core/ingest/import-files.js';
import { ParsePool } from '../../src-core/ingest/parse-channel.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { rawRecord } from '../../src-core/api/raw-record.js';
import type { Db } from '../../src-core/store/case-db.js';
import type { ReportRow } from '../../src-core/model/hunt.js';
import { evtxBytes, sysmonEvent, system7045 } from '../fixtures/evtx-writer/index.js';

const dir = tempDir('longtail-archives-');
const cleanups: Array<() => void> = [() => fs.rmSync(dir, { recursive: true, force: true })];
afterAll(() => cleanups.forEach((c) => c()));

const ATTACK = fs.readdirSync(corpus('evtx', 'attack')).filter((f) => f.endsWith('.evtx')).sort().map((f) => corpus('evtx', 'attack', f));
const SECURITY_DATASETS = fs.readdirSync(corpus('json', 'security-datasets')).sort().map((f) => corpus('json', 'security-datasets', f));
const STREAMING = corpus('json', 'defender', 'streaming-api-excerpt.ndjson');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const at = (...p: string[]) => path.join(dir, ...p);

function newCase(): Db {
  const c = tempCase();
  cleanups.push(c.close);
  return c.db;
}

/** Hunt rows without the case's ids, sources by base name (a member's is `archive!/…/name`). */
function hunt(db: Db): Array<Omit<ReportRow, 'instanceId'>> {
  return runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] })).rows.map(({ instanceId: _id, ...row }) => ({
    ...row,
    sources: row.sources.map((s) => path.basename(s.split('!/').pop()!)),
  }));
}

/** What each data file's row says, by base name: format and counts. */
function counts(files: readonly FileImportResult[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of files) {
    if (f.members || f.status === 'ignored') continue;
    out[path.basename(f.path.split('!/').pop()!)] = [f.status, f.format, f.records, f.stored, f.duplicates, f.skipped, f.failed, f.sha256];
  }
  return out;
}

/** Imports `archive` and the loose files into two cases: the same events, counts and hunt rows. */
function sameAsLoose(archive: string, loose: readonly string[], options: ImportOptions = {}) {
  const a = newCase();
  const b = newCase();
  const fromArchive = importFiles(a, [archive], options);
  const fromLoose = importFiles(b, loose, options);
  expect(counts(fromArchive.files)).toEqual(counts(fromLoose.files));
  expect(caseEvents(a)).toEqual(caseEvents(b));
  expect(hunt(a)).toEqual(hunt(b));
  return { db: a, files: fromArchive.files, loose: b };
}

const entries = (files: readonly string[], prefix: string, extra: Partial<Entry> = {}): Entry[] =>
  files.map((f) => ({ name: `${prefix}${path.basename(f)}`, file: f, ...extra }));

/** A Sysmon log of one service process, written by the EVTX fixture writer with `computer` as its Computer. */
function serviceLog(computer: string, service: string, n = 1): Buffer {
  const time = '2026-10-20T10:00:00.0000000Z';
  return evtxBytes([
    system7045({ computer, time, recordId: 10 * n + 1 }, {
      ServiceName: service, ImagePath: `C:\\ProgramData\\${service}\\${service}.exe`, ServiceType: 'user mode service',
      StartType: 'demand start', AccountName: 'LocalSystem',
    }),
    sysmonEvent(1, { computer, time: '2026-10-20T10:00:01.0000000Z', recordId: 10 * n + 2 }, {
      RuleName: '-', UtcTime: '2026-10-20 10:00:01.000', ProcessGuid: `{11111111-2222-3333-4444-55555555555${n}}`, ProcessId: 4240 + n,
      Image: `C:\\ProgramData\\${service}\\${service}.exe`, FileVersion: '-', Description: '-', Product: '-', Company: '-',
      CommandLine: `"C:\\ProgramData\\${service}\\${service}.exe"`, CurrentDirectory: 'C:\\Windows\\system32\\', User: 'NT AUTHORITY\\SYSTEM',
      LogonGuid: '{11111111-2222-3333-4444-000000000000}', LogonId: 0x3e7n, TerminalSessionId: 0, IntegrityLevel: 'System',
      Hashes: `SHA256=${sha256(Buffer.from(service)).toUpperCase()}`, ParentProcessGuid: '{11111111-2222-3333-4444-666666666666}',
      ParentProcessId: 640, ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe',
    }),
  ]);
}

beforeAll(async () => {
  fs.mkdirSync(at('loose'));
  await writeZip(at('attack.zip'), entries(ATTACK, 'logs/'));
  await writeZip(at('security-datasets.zip'), entries(SECURITY_DATASETS, ''));
  writeGzip(at('streaming.ndjson.gz'), fs.readFileSync(STREAMING), 'streaming-api-excerpt.ndjson');
  await writeTar(at('kape.tar.gz'), entries(ATTACK, 'WKS-K01/C/Windows/System32/winevt/Logs/'), true);
});

describe('containers import what their loose files import', () => {
  it('a zip of the shared attack EVTX logs', () => {
    const { files, db } = sameAsLoose(at('attack.zip'), ATTACK);
    const zip = files.find((f) => f.path === at('attack.zip'))!;
    expect(zip).toMatchObject({ status: 'complete', format: 'zip', sha256: sha256(fs.readFileSync(at('attack.zip'))) });
    expect(zip.members).toEqual({ total: ATTACK.length, complete: ATTACK.length, duplicate: 0, failed: 0, ignored: 0 });
    // Every stored event points to its member's row, and the member to the archive.
    const rows = db.prepare(
      `SELECT m.path, m.member, m.member_index, m.size, m.format, c.path AS container FROM input_file m JOIN input_file c ON c.id = m.container_id ORDER BY m.id`,
    ).all() as Array<{ path: string; member: string; size: number; container: string }>;
    expect(rows.map((r) => r.member)).toEqual(ATTACK.map((f) => `logs/${path.basename(f)}`));
    expect(rows.every((r) => r.container === at('attack.zip') && r.path === `${at('attack.zip')}!/${r.member}`)).toBe(true);
    expect(rows.map((r) => r.size)).toEqual(ATTACK.map((f) => fs.statSync(f).size));
    const orphans = db.prepare(
      `SELECT count(*) AS n FROM process_event e JOIN input_file f ON f.id = e.file_id WHERE f.container_id IS NULL`,
    ).get() as { n: number };
    expect(orphans.n).toBe(0);
  });

  it('a zip64 archive (zip64 local, central and end records): the same', async () => {
    const zip = await writeZip(at('attack64.zip'), entries(ATTACK, 'logs/'), { zip64: true });
    // The zip64 end of central directory record is there (signature 0x06064b50).
    expect(fs.readFileSync(zip).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    sameAsLoose(zip, ATTACK);
  });

  it('a zip of 1,000 members, listed and imported in order, each a row of its own', async () => {
    const lines = fs.readFileSync(STREAMING, 'utf8').split('\n').filter(Boolean);
    const many: Entry[] = Array.from({ length: 1000 }, (_, i) => ({
      name: `export/part-${String(i).padStart(4, '0')}.ndjson`,
      data: Buffer.from(`${lines[i % lines.length]!.replace(/"ReportId":\s*\d+/, `"ReportId":${900000 + i}`)}\n`),
    }));
    const db = newCase();
    const files = importFiles(db, [await writeZip(at('many.zip'), many)]).files;
    const archive = files.at(-1)!;
    expect(archive.members).toEqual({ total: 1000, complete: 1000, duplicate: 0, failed: 0, ignored: 0 });
    expect(files.slice(0, 1000).map((f) => f.path.split('!/')[1])).toEqual(many.map((e) => e.name));
    const rows = db.prepare('SELECT count(*) AS n, min(member_index) AS lo, max(member_index) AS hi FROM input_file WHERE container_id IS NOT NULL').get();
    expect(rows).toEqual({ n: 1000, lo: 0, hi: 999 });
  });

  it('a zipped Security-Datasets capture (local times, offset inferred per member)', () => {
    const { files } = sameAsLoose(at('security-datasets.zip'), SECURITY_DATASETS);
    const members = files.filter((f) => f.container === at('security-datasets.zip'));
    expect(members.map((m) => m.format)).toEqual(SECURITY_DATASETS.map(() => 'ndjson/security-datasets'));
    expect(members.every((m) => m.notes.some((n) => /TimeCreated is local time/.test(n.reason)))).toBe(true);
  });

  it('a .gz of NDJSON, named from its header', () => {
    const { files } = sameAsLoose(at('streaming.ndjson.gz'), [STREAMING]);
    expect(files.map((f) => [f.path, f.format, f.status])).toEqual([
      [`${at('streaming.ndjson.gz')}!/streaming-api-excerpt.ndjson`, 'ndjson/defender-streaming', 'complete'],
      [at('streaming.ndjson.gz'), 'gzip', 'complete'],
    ]);
  });

  it('a .gz of several gzip members one after another (as `cat a.gz b.gz` makes): one stream', () => {
    const lines = fs.readFileSync(STREAMING, 'utf8').split('\n').filter(Boolean);
    const half = Math.floor(lines.length / 2);
    const text = (l: string[]) => Buffer.from(l.join('\n') + '\n');
    fs.writeFileSync(at('concatenated.ndjson.gz'), Buffer.concat([zlib.gzipSync(text(lines.slice(0, half))), zlib.gzipSync(text(lines.slice(half)))]));
    fs.writeFileSync(at('loose', 'concatenated.ndjson'), text(lines));
    const { files } = sameAsLoose(at('concatenated.ndjson.gz'), [at('loose', 'concatenated.ndjson')]);
    expect(files[0]!.records).toBe(lines.length);
  });

  it('a tar.gz of a KAPE tree, read in one pass even with every member in a parse worker', () => {
    const before = ParsePool.started;
    const { files } = sameAsLoose(at('kape.tar.gz'), ATTACK, { workerMinBytes: 0, workers: 2 });
    expect(ParsePool.started).toBeGreaterThan(before);
    const tarRow = files.find((f) => f.format === 'tar')!;
    expect(tarRow.path).toBe(`${at('kape.tar.gz')}!/kape.tar`);
    expect(tarRow.notes.map((n) => n.reason)).toContain('KAPE target output under "WKS-K01/" of host "WKS-K01" (name from the folder "WKS-K01" above the drive folder (KAPE target output))');
  });

  it('zips inside a zip, stored and deflated, and a tar.gz inside it; deeper nesting refused', async () => {
    const outer = at('nested.zip');
    await writeZip(outer, [
      { name: 'stored/attack.zip', file: at('attack.zip'), stored: true },
      { name: 'deflated/attack.zip', file: at('attack.zip') },
      { name: 'more/kape.tar.gz', file: at('kape.tar.gz') },
    ]);
    const db = newCase();
    const r = importFiles(db, [outer]).files;
    const complete = r.filter((f) => f.status === 'complete' && f.format === 'evtx');
    // The first copy of each log is stored; the two later ones are the same files, rolled back as duplicates.
    expect(complete.map((f) => f.path)).toEqual(ATTACK.map((f) => `${outer}!/stored/attack.zip!/logs/${path.basename(f)}`));
    expect(r.filter((f) => f.status === 'duplicate').length).toBe(2 * ATTACK.length);
    const loose = newCase();
    importFiles(loose, ATTACK);
    expect(caseEvents(db)).toEqual(caseEvents(loose));
    // One level less allowed: the inner archives are logged, not opened.
    const shallow = importFiles(newCase(), [outer], { archiveLimits: { maxDepth: 1 } }).files;
    expect(shallow.filter((f) => f.status === 'failed').map((f) => [f.path, f.error])).toEqual([
      [`${outer}!/stored/attack.zip`, 'archive nested too deep: a zip archive nested 1 levels deep (the limit is 0): not opened'],
      [`${outer}!/deflated/attack.zip`, 'archive nested too deep: a zip archive nested 1 levels deep (the limit is 0): not opened'],
      [`${outer}!/more/kape.tar.gz!/kape.tar`, 'archive nested too deep: a tar archive nested 1 levels deep (the limit is 0): not opened'],
    ]);
  });
});

describe('collector layouts', () => {
  it('a Velociraptor offline collection: the host from client_info.json where the logs name none, their own name elsewhere', async () => {
    const zip = at('Collection-WKS-VR01-2026-10-28T12_00_00Z.zip');
    const generic = serviceLog('MINWINPC', 'vrsvc');
    const named = serviceLog('wks-vr01.corp.example', 'vrsvc2', 2);
    await writeZip(zip, [
      { name: 'client_info.json', data: Buffer.from(JSON.stringify({ Hostname: 'WKS-VR01', Fqdn: 'wks-vr01.corp.example', OS: 'windows' })) },
      { name: 'collection_context.json', data: Buffer.from('{"session_id":"F.1","state":2}') },
      { name: 'log.json', data: Buffer.from('{"_ts":1,"level":"DEFAULT","message":"Starting collection"}\n') },
      { name: 'uploads.json', data: Buffer.from('{"vfs_path":"uploads/auto/C%3A/Windows/System32/winevt/Logs/System.evtx"}\n') },
      { name: 'results/Windows.KapeFiles.Targets%2FUploads.json', data: Buffer.from('{"Path":"C:\\\\x"}\n') },
      { name: 'uploads/auto/C%3A/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx', data: generic },
      { name: 'uploads/auto/C%3A/Windows/System32/winevt/Logs/System.evtx', data: named },
      { name: 'uploads/auto/C%3A/Windows/System32/config/SAM', data: Buffer.from('regf, not a log') },
    ]);
    const db = newCase();
    const files = importFiles(db, [zip]).files;
    const byName = (n: string) => files.find((f) => f.path.endsWith(n))!;
    const sysmon = byName('Microsoft-Windows-Sysmon%4Operational.evtx');
    expect(sysmon.hosts).toEqual(['wks-vr01']);
    expect(sysmon.notes).toContainEqual(expect.objectContaining({
      level: 'info', reason: 'host name "WKS-VR01" from client_info.json (Velociraptor collection): the logs\' Computer field was missing or generic (MINWINPC) in 2 record(s)',
    }));
    expect(byName('System.evtx').notes).toContainEqual(expect.objectContaining({
      level: 'info', reason: 'host name from the logs\' Computer field, as client_info.json (Velociraptor collection) says ("WKS-VR01")',
    }));
    for (const meta of ['client_info.json', 'collection_context.json', 'log.json', 'uploads.json', 'Uploads.json']) {
      expect(byName(meta)).toMatchObject({ status: 'ignored', error: 'Velociraptor collection metadata, not event data' });
    }
    expect(byName('SAM').status).toBe('ignored');
    const archive = files.find((f) => f.path === zip)!;
    expect(archive.notes.map((n) => n.reason)).toContain('Velociraptor offline collection of host "WKS-VR01" (name from client_info.json (Velociraptor collection))');
    // Both service processes are on the one host, under the collection's name.
    const rows = runHunt(db, huntParams('any', { window: { kind: 'all' } })).rows;
    expect(rows.map((r) => [r.host, r.name])).toEqual([['wks-vr01', 'vrsvc.exe'], ['wks-vr01', 'vrsvc2.exe']]);
    // The same collection extracted to a folder: the same host names.
    const folder = at('extracted', 'Collection-WKS-VR01');
    for (const f of files.filter((x) => x.container === zip)) {
      const rel = f.path.split('!/').pop()!;
      fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
    }
    fs.writeFileSync(path.join(folder, 'client_info.json'), JSON.stringify({ Hostname: 'WKS-VR01' }));
    fs.writeFileSync(path.join(folder, 'uploads/auto/C%3A/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx'), generic);
    const fromFolder = importFiles(newCase(), [folder]).files;
    expect(fromFolder.find((f) => f.path.endsWith('Operational.evtx'))!.hosts).toEqual(['wks-vr01']);
    expect(fromFolder.find((f) => f.path.endsWith('client_info.json'))!.status).toBe('ignored');
  });

  it('a KAPE target tree, as a folder and zipped: the host from the folder above the drive folder', async () => {
    const tree = at('kape-out');
    const logs = path.join(tree, 'WKS-K02', 'C', 'Windows', 'System32', 'winevt', 'Logs');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(logs, 'Microsoft-Windows-Sysmon%4Operational.evtx'), serviceLog('-', 'kapesvc'));
    for (const f of ATTACK.slice(0, 2)) fs.copyFileSync(f, path.join(logs, path.basename(f)));
    const fromTree = importFiles(newCase(), [tree]).files;
    const sysmon = fromTree.find((f) => f.path.endsWith('Operational.evtx'))!;
    expect(sysmon.hosts).toEqual(['wks-k02']);
    expect(sysmon.notes.map((n) => n.reason)).toContain(
      'host name "WKS-K02" from the folder "WKS-K02" above the drive folder (KAPE target output): the logs\' Computer field was missing or generic (-) in 2 record(s)',
    );
    // The corpus logs name their own hosts, which differ from the folder: kept, and said.
    const other = fromTree.find((f) => f.path.endsWith(path.basename(ATTACK[0]!)))!;
    expect(other.hosts).toEqual(['srvdefender01']);
    expect(other.notes.find((n) => n.level === 'warning')?.reason).toMatch(/host name from the logs' Computer field \(srvdefender01\), which differs from "WKS-K02"/);
    const zip = await writeZip(at('WKS-K02.zip'), [
      { name: 'C/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx', file: path.join(logs, 'Microsoft-Windows-Sysmon%4Operational.evtx') },
    ]);
    const fromZip = importFiles(newCase(), [zip]).files;
    expect(fromZip[0]!.hosts).toEqual(['wks-k02']);
    expect(fromZip[0]!.notes.map((n) => n.reason)).toContain(
      'host name "WKS-K02" from the name of "WKS-K02.zip" (KAPE target output): the logs\' Computer field was missing or generic (-) in 2 record(s)',
    );
  });
});

describe('the evidence chain through archives', () => {
  it('re-importing the archive, or the files that were in it, stores nothing twice', () => {
    const db = newCase();
    importFiles(db, [at('attack.zip')]);
    const events = caseEvents(db);
    const again = importFiles(db, [at('attack.zip')]).files;
    expect(again.map((f) => [f.path, f.status])).toEqual([[at('attack.zip'), 'duplicate']]);
    const loose = importFiles(db, ATTACK).files;
    expect(loose.every((f) => f.status === 'duplicate' && /identical to input #\d+/.test(f.error!))).toBe(true);
    expect(caseEvents(db)).toEqual(events);
  });

  it('members identical to files already in the case are rolled back and logged as duplicates, the others stored', () => {
    const db = newCase();
    importFiles(db, ATTACK.slice(0, 3));
    const files = importFiles(db, [at('attack.zip')]).files;
    const members = files.filter((f) => f.container === at('attack.zip'));
    expect(members.map((f) => f.status)).toEqual(ATTACK.map((_, i) => (i < 3 ? 'duplicate' : 'complete')));
    expect(members.slice(0, 3).every((f) => f.stored === 0 && f.sha256 === sha256(fs.readFileSync(ATTACK[members.indexOf(f)]!)))).toBe(true);
    const loose = newCase();
    importFiles(loose, ATTACK);
    expect(caseEvents(db)).toEqual(caseEvents(loose));
    const dupRows = db.prepare("SELECT count(*) AS n FROM input_file WHERE status = 'duplicate' AND container_id IS NOT NULL").get() as { n: number };
    expect(dupRows.n).toBe(3);
  });

  it('the report lists the archive and its members with their hashes', () => {
    const db = newCase();
    importFiles(db, [at('streaming.ndjson.gz')]);
    const inputs = runHunt(db, huntParams('any', { window: { kind: 'all' } })).inputs;
    expect(inputs).toEqual([
      { file: at('streaming.ndjson.gz'), sha256: sha256(fs.readFileSync(at('streaming.ndjson.gz'))), format: 'gzip', records: 0, container: null },
      {
        file: `${at('streaming.ndjson.gz')}!/streaming-api-excerpt.ndjson`, sha256: sha256(fs.readFileSync(STREAMING)),
        format: 'ndjson/defender-streaming', records: expect.any(Number), container: at('streaming.ndjson.gz'),
      },
    ]);
  });

  it('a record of a member is read back from the archive, and not once the archive changed', async () => {
    const zip = await writeZip(at('readback.zip'), entries(ATTACK.slice(6), 'x/'));
    const db = newCase();
    importFiles(db, [zip]);
    const id = (db.prepare("SELECT id FROM process_event WHERE implied = 0 ORDER BY id LIMIT 1").get() as { id: number }).id;
    const r = rawRecord(db, 'process', id);
    expect(r.file).toBe(`${zip}!/x/${path.basename(ATTACK[6]!)}`);
    expect(r.unavailable).toBeNull();
    expect(r.text).toMatch(/<EventID>1<\/EventID>/);
    fs.appendFileSync(zip, 'tampered');
    expect(rawRecord(db, 'process', id).unavailable).toMatch(/the archive at this path has changed/);
  });
});

describe('resources', () => {
  it('leaves no archive open after an import (the app imports many times in one process)', async () => {
    const opened = () => fs.readdirSync('/proc/self/fd').map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    });
    importFiles(newCase(), [at('attack.zip')]); // warm up: workers, SQLite
    const before = opened().length;
    const dirs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const db = newCase();
      dirs.push(path.dirname(db.name) + path.sep);
      importFiles(db, [at('attack.zip'), at('kape.tar.gz')]);
    }
    // The cases stay open, with their own files. Not counted: SQLite keeps the descriptor
    // of a connection a worker thread closed until the case's last connection closes (a
    // POSIX lock would go with it), so how many a case holds is SQLite's business.
    const besideCases = () => opened().filter((f) => !dirs.some((d) => f.startsWith(d))).length;
    // Each import's unpack worker closes its archives and ends on its own, just after;
    // the warm-up's threads may still have been running when `before` was taken.
    await expect.poll(besideCases, { timeout: 10_000 }).toBeLessThanOrEqual(before);
    expect(opened().filter((f) => f.endsWith('.zip') || f.endsWith('.tar.gz'))).toEqual([]);
  });
});

describe('damaged archives', () => {
  it('a zip cut short: its members recovered from their local headers, the one cut read up to the cut', () => {
    const whole = fs.readFileSync(at('attack.zip'));
    // Cut inside the last member's data (24,584 bytes, then the central directory): every other member is whole.
    const cutAt = whole.length - 20_000;
    const cut = at('cut.zip');
    fs.writeFileSync(cut, whole.subarray(0, cutAt));
    const db = newCase();
    const files = importFiles(db, [cut]).files;
    const archive = files.find((f) => f.path === cut)!;
    expect(archive.status).toBe('complete');
    expect(archive.notes.find((n) => n.level === 'error')!.reason).toMatch(
      /^truncated archive: the central directory could not be read \(End of central directory record signature not found.*\); 7 member\(s\) recovered from their local headers, the last one cut short by the end of the file$/,
    );
    const members = files.filter((f) => f.container === cut);
    expect(members.slice(0, 6).map((f) => f.sha256)).toEqual(ATTACK.slice(0, 6).map((f) => sha256(fs.readFileSync(f))));
    const last = members[6]!;
    expect(last.notes.some((n) => n.level === 'error' && /^truncated archive: /.test(n.reason))).toBe(true);
    expect(last.stored).toBeGreaterThan(0);
    // Nothing of the whole members is lost.
    const loose = newCase();
    importFiles(loose, ATTACK.slice(0, 6));
    const six = caseEvents(loose);
    const got = caseEvents(db);
    for (const table of Object.keys(six)) expect(got[table]!.filter((e) => six[table]!.includes(e))).toEqual(six[table]);
  });
});
