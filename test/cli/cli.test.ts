// The CLI end to end, as a user runs it (`node bin/longtail.mjs …`), on known inputs.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { REPO, corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';

const PSEXEC = corpus('json', 'security-datasets', 'cmd_psexec_lsa_secrets_dump_2020-10-1903305471.json');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function work(): string {
  const d = tempDir('longtail-cli-');
  dirs.push(d);
  return d;
}

function longtail(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'longtail.mjs'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('longtail hunt FILES (one-shot, temporary case)', () => {
  it('prints the report as JSON with every field of the PSEXESVC row', () => {
    const r = longtail(['hunt', PSEXEC, '--format', 'json']);
    expect(r.stderr).toContain('286 records: 159 stored, 0 duplicate, 127 not used, 0 bad');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { parameters: Record<string, unknown>; inputs: unknown[]; rows: Array<Record<string, unknown>> };
    expect(Object.keys(report)).toEqual(['parameters', 'inputs', 'rows']);
    expect(report.parameters).toMatchObject({
      preset: 'any', measures: ['binary', 'path', 'host'], match: 'any', maxHosts: 1, maxLaunches: 6, includeTrusted: false,
      window: { spec: { kind: 'days', days: 30 }, newest: '2020-10-19T07:30:46.8560000Z', from: '2020-09-19T07:30:46.8560000Z', to: '2020-10-19T07:30:46.8560000Z' },
    });
    const sha256 = createHash('sha256').update(fs.readFileSync(PSEXEC)).digest('hex');
    expect(report.inputs).toEqual([{ file: PSEXEC, sha256, format: 'ndjson/security-datasets', records: 286, container: null }]);
    expect(report.rows).toHaveLength(1);
    const row = report.rows[0]!;
    expect(row).toMatchObject({
      host: 'workstation5',
      hostName: 'WORKSTATION5',
      name: 'PSEXESVC.exe',
      path: 'C:\\Windows\\PSEXESVC.exe',
      commandLine: 'C:\\windows\\PSEXESVC.exe',
      user: 'NT AUTHORITY\\SYSTEM',
      pid: 1460,
      startTime: '2020-10-19T07:30:46.4350000Z',
      hash: 'sha256:141b2190f51397dbd0dfde0e3904b264c91b6f81febc823ff0c33da980b69944',
      signature: 'unknown',
      binaryHosts: 1,
      pathKey: 'c:\\windows\\psexesvc.exe',
      pathHosts: 1,
      launchesOnHost: 1,
      rareBy: ['binary', 'path', 'host'],
      children: ['reg.exe'],
      childCommandLines: ['"reg" save HKLM\\security\\policy\\secrets C:\\Users\\wardog\\AppData\\Local\\Temp\\secrets'],
      remoteIps: [],
      remotePorts: [],
      remoteNames: [],
      files: [],
      // Both 7045 (46.416) and 4697 (46.420) name it; the latest at or before the start wins (7.12).
      serviceInstall: {
        serviceName: 'PSEXESVC', imagePath: '%SystemRoot%\\PSEXESVC.exe', account: 'LocalSystem', startType: '3',
        serviceType: '0x10', time: '2020-10-19T07:30:46.4200000Z', source: 'security:4697',
      },
      sources: [PSEXEC],
    });
    // The DLLs Sysmon 7 logged for PSEXESVC.exe, including its own image.
    expect(row['dlls']).toContain('C:\\Windows\\PSEXESVC.exe');
  });

  it('exits 1 on bad usage and says why', () => {
    const r = longtail(['hunt', PSEXEC, '--preset', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown preset "nope"');
    expect(longtail(['hunt', PSEXEC, '--bogus']).code).toBe(1);
    expect(longtail(['frobnicate']).code).toBe(1);
    expect(longtail(['hunt', PSEXEC, '--window', 'yesterday']).stderr).toContain('bad window "yesterday"');
  });

  it('exits 2 on input errors and still writes the report', () => {
    const d = work();
    const bad = path.join(d, 'broken.json');
    fs.writeFileSync(bad, fs.readFileSync(PSEXEC, 'utf8').split('\n').slice(0, 40).join('\n') + '\n{"oops": \n');
    const out = path.join(d, 'report.json');
    const r = longtail(['hunt', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1 bad');
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { inputs: Array<{ records: number }> };
    expect(report.inputs[0]!.records).toBe(41);
  });
});

describe('longtail import CASE, hunt CASE, log CASE', () => {
  it('builds a case that can be reopened, added to and hunted, with CSV and an allowlist file', () => {
    const d = work();
    const caseFile = path.join(d, 'incident.longtail');
    expect(longtail(['import', caseFile, PSEXEC]).code).toBe(0);
    expect(longtail(['import', caseFile, corpus('json', 'security-datasets')]).stderr).toContain('already imported');
    const csvOut = path.join(d, 'r.csv');
    expect(longtail(['hunt', caseFile, '--window', 'all', '--out', csvOut]).code).toBe(0);
    const text = fs.readFileSync(csvOut, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const table = Papa.parse<string[]>(text.slice(1).split('\r\n\r\n')[0]!).data;
    const header = table[0]!;
    const rows = table.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(rows.map((r) => r['name']).sort()).toEqual(['PSEXESVC.exe', 'powershell.exe']);
    expect(rows.find((r) => r['name'] === 'PSEXESVC.exe')!['children']).toBe('reg.exe');
    const allow = path.join(d, 'allow.json');
    fs.writeFileSync(allow, JSON.stringify([{ kind: 'name', value: 'psexesvc.exe', reason: 'admin tool in this network' }]));
    const j = longtail(['hunt', caseFile, '--window', 'all', '--allowlist', allow, '--format', 'json']);
    const names = (JSON.parse(j.stdout) as { rows: Array<{ name: string }> }).rows.map((r) => r.name);
    expect(names).toEqual(['powershell.exe']);
    const log = longtail(['log', caseFile]);
    expect(log.stdout).toMatch(/#1 .*cmd_psexec.*\[complete\] ndjson\/security-datasets/);
    expect(log.stdout).toContain('skipped: Sysmon event 10: not used by the hunt (38) at line 47; line 48');
    expect(log.stdout).toMatch(/\[duplicate\]/);
  });

  it('refuses a file that is not a case', () => {
    const d = work();
    const notCase = path.join(d, 'x.longtail');
    fs.writeFileSync(notCase, 'hello');
    const r = longtail(['log', notCase]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot open case');
  });
});
