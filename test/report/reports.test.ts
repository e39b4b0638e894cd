// Spec sections 5 and 6: CSV (BOM, `;`-joined sets, formulas neutralized, read back
// intact) and JSON (the machine-readable shape), both with parameters and inputs.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { addFile, net, sysmon1, casePerTest } from '../helpers/case-builder.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { reportToCsv, CSV_COLUMNS } from '../../src-core/report/csv-report.js';
import { reportToJson } from '../../src-core/report/json-report.js';
import { neutralizeFormula, visibleControls } from '../../src-core/report/sanitize.js';
import type { Db } from '../../src-core/store/case-db.js';

const newCase = casePerTest();

const HOSTILE_CMD = "=cmd|' /C calc'!A0";
const G = '11111111-2222-3333-4444-555555555555';

function hostileReport(db: Db) {
  addFile(db, '@evil.json', [
    sysmon1({ time: '2026-10-01T10:00:00', guid: G, path: 'C:\\x\\+svc.exe', commandLine: HOSTILE_CMD, user: '-2+3' }),
    sysmon1({ time: '2026-10-01T10:00:01', path: 'C:\\w\\cmd.exe', parentGuid: G, parentPath: 'C:\\x\\+svc.exe', commandLine: '@SUM(1,1)\r\n"quoted", and; more' }),
    sysmon1({ time: '2026-10-01T10:00:02', path: 'C:\\w\\ping.exe', parentGuid: G, parentPath: 'C:\\x\\+svc.exe', commandLine: 'ping -n 1 x' }),
    net('WS01', '2026-10-01T10:00:03', `guid:${G}`, '192.0.2.1', 443, "'; DROP TABLE host; --"),
  ]);
  return runHunt(db, huntParams('any', { window: { kind: 'all' }, allowlist: [] }));
}

describe('CSV report', () => {
  it('has a BOM, a header row, sets joined with ;, and reads back to the same values', () => {
    const db = newCase();
    const report = hostileReport(db);
    const csv = reportToCsv(report);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [table, meta] = csv.slice(1).split('\r\n\r\n');
    const parsed = Papa.parse<string[]>(table!).data;
    expect(parsed[0]).toEqual(CSV_COLUMNS.map(([n]) => n));
    const row = Object.fromEntries(parsed[0]!.map((h, i) => [h, parsed[1]![i]]));
    expect(row['children']).toBe('cmd.exe;ping.exe');
    expect(row['rareBy']).toBe('path;host');
    // Formula-looking cells are neutralized with a leading quote, everything else intact.
    expect(row['commandLine']).toBe(`'${HOSTILE_CMD}`);
    expect(row['path']).toBe('C:\\x\\+svc.exe');
    expect(row['name']).toBe("'+svc.exe");
    expect(row['user']).toBe("'-2+3");
    expect(row['childCommandLines']).toBe(`'@SUM(1,1)\r\n"quoted", and; more;ping -n 1 x`);
    expect(row['remoteNames']).toBe("'; DROP TABLE host; --");
    expect(row['sources']).toBe("'@evil.json");
    // No cell of the whole file starts with a formula character.
    for (const cells of Papa.parse<string[]>(csv.slice(1)).data) {
      for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(meta).toContain('# parameters');
    expect(meta).toContain('# inputs');
    expect(meta).toMatch(/"?'@evil\.json"?,sha-@evil\.json/);
  });

  it('neutralizes every formula start, including full-width forms', () => {
    for (const c of ['=1', '+1', '-1', '@x', '\tx', '\rx', '＝1', '＋1', '－1', '＠x']) expect(neutralizeFormula(c)).toBe(`'${c}`);
    for (const c of ['a=1', '1+1', ' =1', '', 'C:\\x']) expect(neutralizeFormula(c)).toBe(c);
  });

  it('makes control and bidi characters visible for terminal and UI labels', () => {
    expect(visibleControls('a\u001b[31mred\u202egnp.exe\u0000')).toBe('a\\u{1b}[31mred\\u{202e}gnp.exe\\u{0}');
    expect(visibleControls('tab\tand\nnewline stay')).toBe('tab\tand\nnewline stay');
  });
});

describe('JSON report', () => {
  it('is { parameters, inputs, rows } with sets as arrays and absent values as null', () => {
    const db = newCase();
    const report = hostileReport(db);
    const parsed = JSON.parse(reportToJson(report)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['parameters', 'inputs', 'rows']);
    const row = (parsed['rows'] as Array<Record<string, unknown>>)[0]!;
    expect(row['children']).toEqual(['cmd.exe', 'ping.exe']);
    expect(row['commandLine']).toBe(HOSTILE_CMD);
    expect(row['hash']).toBeNull();
    expect(row['serviceInstall']).toBeNull();
    expect(row['remotePorts']).toEqual([443]);
    expect(parsed['inputs']).toEqual([{ file: '@evil.json', sha256: expect.any(String), format: 'test', records: 0, container: null }]);
    const params = parsed['parameters'] as Record<string, unknown>;
    expect(params['allowlist']).toEqual([]);
    expect((params['pathRules'] as unknown[]).length).toBe(2);
  });
});
