// Attacker strings stay data, on the core's output surfaces. A table of hostile strings
// (markup, terminal escapes, bidi and invisible characters, NUL, CR/LF, spreadsheet
// formulas in every spelling, SQL, format strings, path traversal, 100 KB, unpaired
// surrogates) is written into real-format inputs (Defender CSV, Elastic/Winlogbeat
// JSON lines, EVTX) as host names, service paths and names, command lines, child
// command lines, users, remote names and service names; imported, hunted, and checked:
//   (a) SQL: stored values come back exactly, no table is harmed; user-edited lists
//       (allowlist values with glob and regex metacharacters, path rules with invalid
//       regular expressions) are refused cleanly or work literally;
//   (b) CSV export: re-read with papaparse (comma, and semicolon as many spreadsheets
//       use), no cell starts a formula, values otherwise exact;
//   (c) JSON export: exact;
//   (d) the CLI: no raw control, escape or bidi character reaches the terminal, lines stay lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { tempCase, tempDir } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { reportToCsv, CSV_COLUMNS } from '../../src-core/report/csv-report.js';
import { reportToJson } from '../../src-core/report/json-report.js';
import { formatHuntTable, formatImportLine } from '../../src-core/cli/table.js';
import { main } from '../../src-core/cli.js';
import { addAllowEntry, listAllowlist, listPathRules } from '../../src-core/store/lists.js';
import { PathRuleError } from '../../src-core/hunt/path-rules.js';
import { Session } from '../../src-core/api/session.js';
import { baseName, hostKey } from '../../src-core/normalize/values.js';
import type { Db } from '../../src-core/store/case-db.js';
import type { HuntReport, ReportRow } from '../../src-core/model/hunt.js';
import type { FileImportResult } from '../../src-core/ingest/import-files.js';
import { sysmonNetworkConnect, sysmonProcessCreate, system7045, writeEvtx, type EventSpec } from '../fixtures/evtx-writer/index.js';
import { writeFigures } from './lib/figures.js';

const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['html', '<img src=x onerror=alert(1)>'],
  ['script', '</script><script>alert(1)</script>'],
  ['ansi', '\u001b[2J\u001b[31mred\u001b[0m'],
  ['osc title', '\u001b]0;pwned\u0007x'],
  ['c1 csi', '\u009b31mred'],
  ['bidi override', 'evil\u202Eexe.txt'],
  ['bidi isolates', 'a\u2066b\u2067c\u2068d\u2069e'],
  ['zero width', 'svc\u200Bho\u200Cst\u200D\uFEFF.x'],
  ['line separators', 'a\u2028b\u2029c'],
  ['nul', 'a\u0000b'],
  ['crlf', 'line1\r\nline2\rline3\nline4'],
  ['ends in cr', 'trailing cr\r'],
  ['formula =', "=cmd|' /C calc'!A0"],
  ['formula +', '+1+cmd|x'],
  ['formula -', '-2+3+cmd|x'],
  ['formula @', '@SUM(1+1)*cmd|x'],
  ['formula tab', '\t=1+1'],
  ['formula cr', '\r=1+1'],
  ['formula full-width', '＝1+1'],
  ['formula full-width +', '＋1'],
  ['formula after ;', "ok;=cmd|' /C calc'!A0"],
  ['hyperlink after ;', 'ok;=HYPERLINK("http://x","y")'],
  ['formula after ,', 'ok,=1+1'],
  ['sql', "'); DROP TABLE host; --"],
  ['sql or', '" OR 1=1 --'],
  ['printf', '%s %n %x %p'],
  ['traversal', '..\\..\\..\\Windows\\System32\\config\\SAM'],
  ['traversal posix', '../../../etc/passwd'],
  ['regex metachars', '(a+)+$[x]{2}.*?\\d|^'],
  ['json breaker', '"}],"x":{"'],
  ['csv breaker', '","=1,"\n"'],
  ['astral', '😈𝄞'],
  ['unpaired high surrogate', 'a\uD800b'],
  ['unpaired low surrogate', 'a\uDC00b'],
  ['reversed pair', '\uDC00\uD800'],
  ['100 KB', 'A'.repeat(50_000) + '\u001b[31m' + 'B'.repeat(50_000)],
];

/** Placements of the string in each input, as field names of a service-process scenario. */
const FIELDS = ['hostName', 'path', 'name', 'commandLine', 'user', 'childCommandLine', 'remoteName', 'serviceName'] as const;
type Field = (typeof FIELDS)[number];

const TERMINAL_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

interface Scenario {
  label: string;
  s: string;
  /** As written into the input. */
  values: Record<Field, string>;
  /** As the format's reader keeps them (see Format.kept). */
  kept: Record<Field, string>;
}

/** The values a scenario writes, per field; the host name also keeps the keys apart. */
function scenario(k: number, label: string, s: string): Scenario {
  const dir = `C:\\ProgramData\\${s}`;
  // A name has no path separators (Defender's FolderPath may be the folder or the whole path).
  const name = `${s.replace(/[\\/]/g, '_')}.exe`;
  const values = { hostName: `H${k}-${s}`, path: `${dir}\\${name}`, name, commandLine: s, user: s, childCommandLine: s, remoteName: s, serviceName: s };
  return { label, s, values, kept: values };
}

function keptBy(format: Format, sc: Scenario): Scenario {
  const kept = Object.fromEntries(FIELDS.map((f) => [f, format.kept(sc.values[f], f === 'hostName' ? 'host' : 'data')])) as Record<Field, string>;
  return { ...sc, kept };
}

const figures = { strings: HOSTILE.length, formats: [] as string[], checks: { sql: 0, csv: 0, json: 0, terminal: 0, lists: 0 }, notes: [] as string[] };
const dirs: string[] = [];
const cases: Array<{ close: () => void }> = [];
afterAll(() => {
  cases.forEach((c) => c.close());
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  writeFigures('hostile-strings', figures);
});

function ts(i: number, s = 0): string {
  return new Date(Date.UTC(2026, 9, 20, 9, i, s)).toISOString().slice(0, 19) + '.1234567Z';
}

// ---------------------------------------------------------------------------------
// Inputs

function defenderCsv(scenarios: readonly Scenario[]): string {
  const columns = [
    'Timestamp', 'DeviceName', 'ActionType', 'ReportId', 'FileName', 'FolderPath', 'ProcessId', 'ProcessCreationTime', 'AccountName',
    'InitiatingProcessFileName', 'InitiatingProcessFolderPath', 'InitiatingProcessId', 'InitiatingProcessCreationTime',
    'InitiatingProcessParentFileName', 'RemoteIP', 'RemotePort', 'RemoteUrl', 'ProcessCommandLine', 'AdditionalFields',
  ];
  const rows: Array<Record<string, string>> = [];
  scenarios.forEach((sc, k) => {
    const v = sc.values;
    const host = v.hostName;
    const pid = String(5000 + k);
    const svc = {
      InitiatingProcessFileName: v.name, InitiatingProcessFolderPath: v.path, InitiatingProcessId: pid,
      InitiatingProcessCreationTime: ts(k, 1), InitiatingProcessParentFileName: 'services.exe',
    };
    rows.push(
      { Timestamp: ts(k, 0), DeviceName: host, ActionType: 'ServiceInstalled', ReportId: `${k}1`, FolderPath: v.path, FileName: v.name, AdditionalFields: JSON.stringify({ ServiceName: v.serviceName, ServiceAccount: 'LocalSystem' }) },
      {
        Timestamp: ts(k, 1), DeviceName: host, ActionType: 'ProcessCreated', ReportId: `${k}2`, FileName: v.name, FolderPath: v.path, ProcessId: pid,
        ProcessCreationTime: ts(k, 1), AccountName: v.user, ProcessCommandLine: v.commandLine, InitiatingProcessFileName: 'services.exe',
        InitiatingProcessFolderPath: 'C:\\Windows\\System32\\services.exe', InitiatingProcessId: '680', InitiatingProcessCreationTime: '2026-10-01T00:00:00.0000000Z',
      },
      { ...svc, Timestamp: ts(k, 2), DeviceName: host, ActionType: 'ProcessCreated', ReportId: `${k}3`, FileName: 'cmd.exe', FolderPath: 'C:\\Windows\\System32\\cmd.exe', ProcessId: String(9000 + k), ProcessCreationTime: ts(k, 2), ProcessCommandLine: v.childCommandLine },
      { ...svc, Timestamp: ts(k, 3), DeviceName: host, ActionType: 'ConnectionSuccess', ReportId: `${k}4`, RemoteIP: '192.0.2.7', RemotePort: '443', RemoteUrl: v.remoteName },
    );
  });
  return Papa.unparse({ fields: columns, data: rows.map((r) => columns.map((c) => r[c] ?? '')) }, { newline: '\r\n' });
}

function jsonLines(scenarios: readonly Scenario[]): string {
  const lines: unknown[] = [];
  scenarios.forEach((sc, k) => {
    const v = sc.values;
    const host = { name: v.hostName, os: { family: 'windows' } };
    const svc = { pid: 5000 + k, entity_id: `svc-${k}`, executable: v.path, name: v.name };
    lines.push(
      {
        '@timestamp': ts(k, 0), host: { name: v.hostName }, event: { code: '7045' },
        winlog: { channel: 'System', provider_name: 'Service Control Manager', event_id: 7045, computer_name: v.hostName, record_id: k, event_data: { ServiceName: v.serviceName, ImagePath: v.path } },
      },
      {
        '@timestamp': ts(k, 1), host, event: { category: ['process'], type: ['start'] }, user: { name: v.user },
        process: { ...svc, command_line: v.commandLine, parent: { pid: 680, entity_id: 'scm', name: 'services.exe' } },
      },
      { '@timestamp': ts(k, 2), host, event: { category: ['process'], type: ['start'] }, process: { pid: 9000 + k, entity_id: `child-${k}`, executable: 'C:\\Windows\\System32\\cmd.exe', command_line: v.childCommandLine, parent: { entity_id: `svc-${k}`, pid: 5000 + k } } },
      { '@timestamp': ts(k, 3), host, event: { category: ['network'] }, process: svc, destination: { ip: '192.0.2.7', port: 443, domain: v.remoteName } },
    );
  });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

const SCM = 'C:\\Windows\\System32\\services.exe';
const guid = (n: number) => `{5101cf11-0000-0000-0000-${String(n).padStart(12, '0')}}`;

function evtxEvents(scenarios: readonly Scenario[]): EventSpec[] {
  const out: EventSpec[] = [];
  scenarios.forEach((sc, k) => {
    const v = sc.values;
    const common = { FileVersion: '-', Description: '-', Product: '-', Company: '-', CurrentDirectory: 'C:\\', LogonGuid: '{00000000-0000-0000-0000-0000000003e7}', LogonId: 0x3e7, TerminalSessionId: 0, IntegrityLevel: 'System', Hashes: 'SHA256=00' };
    const o = (s: number) => ({ computer: v.hostName, time: ts(k, s) });
    out.push(
      system7045(o(0), { ServiceName: v.serviceName, ImagePath: v.path, ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' }),
      sysmonProcessCreate(o(1), { ...common, ProcessGuid: guid(5000 + k), ProcessId: 5000 + k, Image: v.path, CommandLine: v.commandLine, User: v.user, ParentProcessGuid: guid(680), ParentProcessId: 680, ParentImage: SCM, ParentCommandLine: SCM }),
      sysmonProcessCreate(o(2), { ...common, ProcessGuid: guid(9000 + k), ProcessId: 9000 + k, Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: v.childCommandLine, User: 'SYSTEM', ParentProcessGuid: guid(5000 + k), ParentProcessId: 5000 + k, ParentImage: v.path, ParentCommandLine: v.commandLine }),
      sysmonNetworkConnect(o(3), {
        ProcessGuid: guid(5000 + k), ProcessId: 5000 + k, Image: v.path, User: v.user, Protocol: 'tcp', Initiated: true, SourceIsIpv6: false, SourceIp: '10.0.0.5',
        SourceHostname: '-', SourcePort: 50_000, SourcePortName: '-', DestinationIsIpv6: false, DestinationIp: '192.0.2.7', DestinationHostname: v.remoteName, DestinationPort: 443, DestinationPortName: '-',
      }),
    );
  });
  return out;
}

interface Format {
  name: string;
  ext: string;
  /** The string as the format can carry it (UTF-8 text cannot hold unpaired surrogates; an EVTX record fits in 64 KiB). */
  carry: (s: string) => string;
  /** The value as the reader keeps it, by design: `host` for the host name, `data` for every other field. */
  kept: (s: string, field: 'host' | 'data') => string;
  write: (file: string, scenarios: readonly Scenario[]) => void;
}

/**
 * EVTX values as the reader renders them to match the libevtx reference dumps
 * (src-core/ingest/evtx/render.ts, value-types.ts): line ends become LF, an EventData
 * string ends at its first NUL, and one made only of line ends is empty.
 */
function evtxKept(s: string, field: 'host' | 'data'): string {
  if (field === 'host') return s.replace(/\r\n?/g, '\n');
  const cut = s.includes('\0') ? s.slice(0, s.indexOf('\0')) : s;
  return /^[\r\n]+$/.test(cut) ? '' : cut.replace(/\r\n?/g, '\n');
}

const FORMATS: Format[] = [
  { name: 'defender-csv', ext: '.csv', carry: (s) => s.replace(LONE_SURROGATE, '\ufffd'), kept: (s) => s, write: (f, sc) => fs.writeFileSync(f, defenderCsv(sc)) },
  { name: 'ndjson (Elastic + Winlogbeat)', ext: '.ndjson', carry: (s) => s, kept: (s) => s, write: (f, sc) => fs.writeFileSync(f, jsonLines(sc)) },
  {
    name: 'evtx', ext: '.evtx', carry: (s) => (s.length > 2000 ? s.slice(0, 1000) + s.slice(-1000) : s), kept: evtxKept,
    write: (f, sc) => void writeEvtx(f, evtxEvents(sc)),
  },
];

/** What reading the stored value back gives: SQLite keeps unpaired surrogates as WTF-8 bytes, which read back as U+FFFD each byte. */
function readBack(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd\ufffd\ufffd');
}

/** WTF-8: UTF-8 that also encodes unpaired surrogates (how better-sqlite3 binds them). */
function wtf8Hex(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

// ---------------------------------------------------------------------------------

interface Imported {
  format: Format;
  db: Db;
  caseFile: string;
  file: FileImportResult;
  scenarios: Scenario[];
  report: HuntReport;
  tablesBefore: string[];
}

const imported: Imported[] = [];

function tables(db: Db): string[] {
  return (db.prepare("SELECT type || ' ' || name AS n FROM sqlite_master ORDER BY name").all() as Array<{ n: string }>).map((r) => r.n);
}

beforeAll(() => {
  for (const format of FORMATS) {
    const dir = tempDir('longtail-strings-');
    dirs.push(dir);
    const c = tempCase();
    cases.push(c);
    const scenarios = HOSTILE.map(([label, s], k) => keptBy(format, scenario(k, label, format.carry(s))));
    const file = path.join(dir, `hostile${format.ext}`);
    format.write(file, scenarios);
    const tablesBefore = tables(c.db);
    const [result] = importFiles(c.db, [file]).files;
    const report = runHunt(c.db, huntParams('any', { window: { kind: 'all' }, allowlist: [] }));
    imported.push({ format, db: c.db, caseFile: c.file, file: result!, scenarios, report, tablesBefore });
    figures.formats.push(format.name);
  }
});

function rowOf(im: Imported, sc: Scenario): ReportRow | undefined {
  return im.report.rows.find((r) => r.host === readBack(hostKey(sc.kept.hostName)));
}

/** What each field of the scenario's report row must be. */
function expectedRow(sc: Scenario) {
  const v = sc.kept;
  const b = readBack;
  return {
    hostName: b(v.hostName), path: b(v.path), name: b(baseName(v.path)!), commandLine: b(v.commandLine), user: b(v.user),
    childCommandLines: [b(v.childCommandLine)], remoteNames: [b(v.remoteName)], serviceName: b(v.serviceName),
  };
}

describe.each(FORMATS.map((f) => [f.name, f] as const))('hostile strings in %s', (_name, format) => {
  const im = () => imported.find((i) => i.format === format)!;

  it('imports every scenario and finds each service process', () => {
    const { file, report, scenarios } = im();
    expect(file).toMatchObject({ status: 'complete', failed: 0 });
    expect(file.stored).toBe(scenarios.length * 4);
    const missing = scenarios.filter((sc) => rowOf(im(), sc) === undefined).map((sc) => sc.label);
    expect(missing).toEqual([]);
    expect(report.rows).toHaveLength(scenarios.length);
  });

  it('(a) SQL: stored values come back exactly and no table is harmed', () => {
    const { db, scenarios, tablesBefore } = im();
    const q = db.prepare(
      `SELECT e.host_name, e.path, e.name, e.command_line, e.user, hex(e.command_line) AS cmd_hex, hex(e.host_name) AS host_hex
         FROM process_event e WHERE e.pid = ? AND e.implied = 0`,
    );
    const child = db.prepare('SELECT command_line FROM process_event WHERE pid = ? AND implied = 0');
    const net = db.prepare('SELECT remote_name FROM network_event n JOIN host h ON h.id = n.host_id WHERE h.key = ?');
    const svc = db.prepare('SELECT service_name, image_path FROM service_install s JOIN host h ON h.id = s.host_id WHERE h.key = ?');
    scenarios.forEach((sc, k) => {
      const v = sc.kept;
      const got = q.get(5000 + k) as Record<string, string>;
      expect.soft(got, sc.label).toMatchObject({
        host_name: readBack(v.hostName), path: readBack(v.path), name: readBack(baseName(v.path)!), command_line: readBack(v.commandLine), user: readBack(v.user),
      });
      // The bytes in the case are the string's own, unpaired surrogates included.
      expect.soft(got['cmd_hex'], sc.label).toBe(wtf8Hex(v.commandLine));
      expect.soft(got['host_hex'], sc.label).toBe(wtf8Hex(v.hostName));
      expect.soft((child.get(9000 + k) as { command_line: string }).command_line, sc.label).toBe(readBack(v.childCommandLine));
      expect.soft((net.get(hostKey(v.hostName)) as { remote_name: string }).remote_name, sc.label).toBe(readBack(v.remoteName));
      expect.soft(svc.get(hostKey(v.hostName)), sc.label).toEqual({ service_name: readBack(v.serviceName), image_path: readBack(v.path) });
      figures.checks.sql += FIELDS.length;
    });
    expect(tables(db)).toEqual(tablesBefore);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const hosts = db.prepare('SELECT count(*) AS n FROM host').get() as { n: number };
    expect(hosts.n).toBeGreaterThanOrEqual(scenarios.length);
    if (format.name === 'defender-csv') figures.notes.push('CSV and JSON text are UTF-8: an unpaired surrogate in a CSV file is already U+FFFD on disk');
  });

  it('(a) hunt rows carry the values exactly', () => {
    const { scenarios } = im();
    for (const sc of scenarios) {
      const row = rowOf(im(), sc)!;
      const want = expectedRow(sc);
      expect.soft({
        hostName: row.hostName, path: row.path, name: row.name, commandLine: row.commandLine, user: row.user,
        childCommandLines: row.childCommandLines, remoteNames: row.remoteNames, serviceName: row.serviceInstall?.serviceName,
      }, sc.label).toEqual(want);
    }
  });

  it('(b) CSV export: no cell starts a formula, in comma or semicolon spreadsheets; values otherwise exact', () => {
    const { report, scenarios } = im();
    const csv = reportToCsv(report);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const body = csv.slice(1);
    const table = body.slice(0, body.indexOf('\r\n\r\n'));
    const parsed = Papa.parse<string[]>(table, { delimiter: ',' });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(CSV_COLUMNS.map(([n]) => n));
    expect(rows).toHaveLength(report.rows.length);
    const col = (name: string) => header!.indexOf(name);
    const neutral = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);
    for (const sc of scenarios) {
      const i = report.rows.indexOf(rowOf(im(), sc)!);
      const cells = rows[i]!;
      const want = expectedRow(sc);
      expect.soft({
        hostName: cells[col('hostName')], path: cells[col('path')], name: cells[col('name')], commandLine: cells[col('commandLine')],
        user: cells[col('user')], childCommandLines: cells[col('childCommandLines')], remoteNames: cells[col('remoteNames')], serviceName: cells[col('serviceName')],
      }, sc.label).toEqual({
        hostName: neutral(want.hostName), path: neutral(want.path), name: neutral(want.name), commandLine: neutral(want.commandLine), user: neutral(want.user),
        childCommandLines: neutral(want.childCommandLines[0]!), remoteNames: neutral(want.remoteNames[0]!), serviceName: neutral(want.serviceName),
      });
      figures.checks.csv += FIELDS.length;
    }
    // Every cell (table and the parameters after it) read as a comma spreadsheet, and as
    // a semicolon or tab one (the list separator of many locales; LibreOffice offers
    // both): each row in a report of its own, so quoted cells of other rows cannot hide it.
    for (const sc of scenarios) {
      const one = reportToCsv({ ...report, rows: [rowOf(im(), sc)!] }).slice(1);
      for (const delimiter of [',', ';', '\t']) {
        const formulas = Papa.parse<string[]>(one, { delimiter }).data.flat().filter((c) => FORMULA_START.test(c));
        expect.soft(formulas.map((c) => c.slice(0, 60)), `${sc.label}, delimiter ${JSON.stringify(delimiter)}`).toEqual([]);
      }
      figures.checks.csv += 3;
    }
  });

  it('(c) JSON export: exact', () => {
    const { report, scenarios } = im();
    const back = JSON.parse(reportToJson(report)) as { rows: ReportRow[] };
    expect(back.rows).toEqual(JSON.parse(JSON.stringify(report.rows)));
    for (const sc of scenarios) {
      const row = back.rows.find((r) => r.host === readBack(hostKey(sc.kept.hostName)))!;
      expect.soft({
        hostName: row.hostName, path: row.path, name: row.name, commandLine: row.commandLine, user: row.user,
        childCommandLines: row.childCommandLines, remoteNames: row.remoteNames, serviceName: row.serviceInstall?.serviceName,
      }, sc.label).toEqual(expectedRow(sc));
      figures.checks.json += FIELDS.length;
    }
  });

  it('(d) CLI: the hunt table, the import lines and `longtail log` show controls escaped, one line per item', () => {
    const { report, file, caseFile, scenarios } = im();
    const table = formatHuntTable(report);
    const lines = table.split('\n');
    expect(lines.filter((l) => TERMINAL_UNSAFE.test(l)).map((l) => l.slice(0, 80))).toEqual([]);
    // Two summary lines, a blank line, the header, then per row one line and its indented details.
    const rowLines = lines.slice(4).filter((l) => l !== '' && !l.startsWith('    '));
    expect(rowLines).toHaveLength(report.rows.length);
    const details = lines.filter((l) => l.startsWith('    '));
    for (const d of details) expect(d).toMatch(/^ {4}(cmd|children|network|files|dlls|installed as|signature|flag|covered hosts that day|verdict)\b/);
    figures.checks.terminal += scenarios.length * 4;
    expect(TERMINAL_UNSAFE.test(formatImportLine(file))).toBe(false);
    let out = '';
    expect(main(['log', caseFile], { out: (s) => (out += s), err: () => undefined, isTty: false })).toBe(0);
    expect(out.split('\n').filter((l) => TERMINAL_UNSAFE.test(l)).map((l) => l.slice(0, 80))).toEqual([]);
    figures.checks.terminal += scenarios.length;
  });
});

describe('user-edited lists with hostile values', () => {
  const im = () => imported[1]!;

  it('allowlist values round-trip exactly and match literally, glob and regex metacharacters included', () => {
    const { db, scenarios } = im();
    const before = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] })).rows.length;
    for (const sc of scenarios) {
      const entry = { kind: 'path' as const, value: sc.kept.path, hosts: [hostKey(sc.kept.hostName)], reason: sc.s, enabled: true };
      const added = addAllowEntry(db, entry);
      const listed = listAllowlist(db).find((e) => e.id === added.id)!;
      // Host lists are JSON text, which keeps unpaired surrogates; value and reason are TEXT columns (see readBack).
      expect.soft({ value: listed.value, reason: listed.reason, hosts: listed.hosts }, sc.label).toEqual({
        value: readBack(entry.value), reason: readBack(sc.s), hosts: entry.hosts,
      });
      figures.checks.lists++;
    }
    // Each exact path entry, limited to its host, takes out its own service process, hosts
    // whose names hold an unpaired surrogate included.
    const report = runHunt(db, huntParams('any', { window: { kind: 'all' } }));
    expect(report.stats.allowlisted).toBe(before);
    expect(report.rows).toHaveLength(0);
    db.prepare('DELETE FROM allow_entry').run();
    // Metacharacters of regular expressions are literal; `*` and `?` are the only wildcards.
    const paths = scenarios.map((sc) => readBack(sc.kept.path));
    const globs: Array<[string, number]> = [
      ['[a-z]*', 0], ['(.*)+$', 0], ['\\', 0], ['^.*$', 0], ['.*', 0], ['${x}', 0], ['%', 0], ['[', 0], ['(?<x>', 0], ['?'.repeat(300), 0],
      ['**?**', before], ['*(*', paths.filter((p) => p.includes('(')).length], ['*[x]{2}.*?\\d|^*', paths.filter((p) => p.includes('[x]{2}.*?\\d|^')).length],
    ];
    for (const [glob, n] of globs) {
      const r = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [{ kind: 'path', value: glob, hosts: null, reason: glob, enabled: true }] }));
      expect.soft(r.stats.allowlisted, glob).toBe(n);
      figures.checks.lists++;
    }
    const all = runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [{ kind: 'path', value: '*', hosts: null, reason: '', enabled: true }] }));
    expect(all.stats.allowlisted).toBe(before);
  });

  // TEXT columns store an unpaired surrogate as WTF-8 and read it back as three U+FFFD,
  // while the host list (JSON) keeps it: the allowlist compares both in the stored form.
  it('a host-limited allowlist entry matches a host whose name holds an unpaired surrogate', () => {
    const { db, scenarios } = im();
    const sc = scenarios.find((x) => x.label === 'unpaired high surrogate')!;
    const r = runHunt(db, huntParams('any', {
      window: { kind: 'all' }, allowlist: [{ kind: 'path', value: sc.kept.path, hosts: [hostKey(sc.kept.hostName)], reason: '', enabled: true }],
    }));
    expect(r.stats.allowlisted).toBe(1);
  });

  it('path rules with invalid regular expressions are refused cleanly; replacements are literal', () => {
    const { caseFile, db } = im();
    const session = new Session({ mode: 'browser', recentFile: null });
    session.handle('case.open', { path: caseFile });
    const stored = listPathRules(db);
    for (const pattern of ['(', '[', '*', '+x', '(?<', 'a{2,1}', '\\', '(?<n>a)\\k<m>', '[z-a]', 'x'.repeat(2000) + '(']) {
      const rules = [{ pattern, replacement: '', description: pattern, enabled: true }];
      expect.soft(() => session.handle('rules.replace', { rules }), pattern).toThrow(PathRuleError);
      expect.soft(() => session.handle('rules.preview', { rules, limit: 10 }), pattern).toThrow(PathRuleError);
      expect.soft(() => runHunt(db, huntParams('any', { window: { kind: 'all' }, pathRules: rules })), pattern).toThrow(/invalid regular expression/);
      figures.checks.lists++;
    }
    expect(listPathRules(db)).toEqual(stored);
    // `$&`, `$1`, `$$` in a replacement are text, not back references.
    const rules = [{ pattern: 'ProgramData', replacement: '$&$1$$`', description: '', enabled: true }];
    const preview = session.handle('rules.preview', { rules, limit: 1000 });
    expect(preview.length).toBeGreaterThan(0);
    for (const p of preview) expect(p.after).toContain('$&$1$$`'.toLowerCase());
    session.close();
  });
});
