// `longtail export-query` end to end (node bin/longtail.mjs), and the app's `hunt.query`
// handler: the case's allowlist and path rules carried into the query, overrides, the
// warnings on stderr, the file written, and the case left as it was.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';
import { openCase } from '../../src-core/store/case-db.js';
import { addAllowEntry, replacePathRules } from '../../src-core/store/lists.js';
import { DEFAULT_PATH_RULES } from '../../src-core/hunt/defaults.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { Session } from '../../src-core/api/session.js';
import { analyzeKql } from './kusto.js';
import { lexEsql } from './esql-lexer.js';

const dir = tempDir('longtail-query-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function longtail(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'longtail.mjs'), ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

// A case tuned by hand: one host-scoped entry and a rule RE2 cannot run.
const caseFile = path.join(dir, 'tuned.longtail');
{
  const { db } = openCase(caseFile);
  addAllowEntry(db, { kind: 'path', value: 'C:\\Vendor\\*\\agent.exe', hosts: ['WS07'], reason: 'vendor agent', enabled: true });
  replacePathRules(db, [...DEFAULT_PATH_RULES, { pattern: 'svc(?=host)', replacement: 'x', description: 'lookahead', enabled: true }]);
  db.close();
}

describe('longtail export-query', () => {
  it('writes the case\'s hunt as Defender KQL that the language service accepts, and warns on stderr', () => {
    const before = sha(caseFile);
    const r = longtail(['export-query', caseFile, '--dialect', 'kql']);
    expect(r.code).toBe(0);
    expect(analyzeKql(r.stdout, 'defender')).toEqual([]);
    expect(r.stdout).toContain('from case tuned.longtail');
    expect(r.stdout).toContain('(HostKey(DeviceName) in (@"ws07") and (PathKey(');
    expect(r.stdout).toContain('"svchost.exe"');
    expect(r.stderr).toBe('longtail: warning: Path rule 3 is left out of the KQL query: its pattern uses a lookaround ((?=, (?!, (?<=, (?<!), which RE2 does not support.\n');
    expect(sha(caseFile)).toBe(before);
  });

  it('takes the hunt options, the Sentinel target and --out', () => {
    const out = path.join(dir, 'q.kql');
    const r = longtail(['export-query', caseFile, '--dialect', 'kql', '--target', 'sentinel', '--preset', 'defender-host', '--max-launches', '3', '--window', '14d', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Query written to ${out}`);
    const q = fs.readFileSync(out, 'utf8');
    expect(analyzeKql(q, 'sentinel')).toEqual([]);
    expect(q).toContain('let LookupTime = 14d;');
    expect(q).toContain('| where count_ < 3');
    expect(q).toContain('| where TimeGenerated > ago(LookupTime)');
  });

  it('writes ES|QL, and the Java engine runs the lookahead rule', () => {
    const r = longtail(['export-query', caseFile, '--dialect', 'esql', '--preset', 'elastic-path']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const strings = lexEsql(r.stdout).flatMap((t) => (t.kind === 'string' ? [t.value] : []));
    expect(strings).toContain('svc(?=host)');
    expect(strings).toContain('c:\\\\vendor\\\\*\\\\agent.exe');
  });

  it('uses --allowlist FILE instead of the case\'s, and works without a case', () => {
    const file = path.join(dir, 'allow.json');
    fs.writeFileSync(file, JSON.stringify([{ kind: 'name', value: 'Tuned.exe', hosts: null, reason: 'r', enabled: true }]));
    const withCase = longtail(['export-query', caseFile, '--allowlist', file, '--dialect', 'kql']);
    expect(withCase.code).toBe(0);
    expect(withCase.stdout).toContain('let WhiteList = pack_array(\n"tuned.exe"\n);');
    expect(withCase.stdout).not.toContain('vendor agent');
    const alone = longtail(['export-query', '--allowlist', file, '--dialect', 'esql']);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('not in ("tuned.exe")');
    // No case: the default path rules.
    expect(alone.stdout).toContain('"""[cC]:\\\\[uU][sS][eE][rR][sS]\\\\');
  });

  it.each([
    [['export-query', 'x.longtail'], 'needs --dialect kql or --dialect esql'],
    [['export-query', '--dialect', 'kql'], 'needs a CASE or --allowlist FILE'],
    [['export-query', 'README.md', '--dialect', 'kql'], 'not a Longtail case file'],
    [['export-query', 'x', '--dialect', 'esql', '--target', 'sentinel'], '--target goes with --dialect kql'],
    [['export-query', 'x', '--dialect', 'sql'], 'needs --dialect kql or --dialect esql'],
  ])('refuses %j', (args, message) => {
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a case');
    const r = longtail(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});

describe('hunt.query (the app\'s Export query)', () => {
  it('uses the open case\'s lists, or the params\' own, and writes the file when asked', async () => {
    const session = new Session({ mode: 'browser', recentFile: path.join(dir, 'recent.json') });
    try {
      await session.handle('case.open', { path: caseFile });
      const q = await session.handle('hunt.query', { params: huntParams('any'), dialect: 'kql', target: 'sentinel' });
      expect(q).toMatchObject({ dialect: 'kql', target: 'sentinel', fileName: 'longtail-hunt-sentinel.kql', path: null });
      expect(q.text).toContain('@"ws07"');
      expect(q.warnings).toHaveLength(1);
      const out = path.join(dir, 'app.esql');
      const e = await session.handle('hunt.query', {
        params: huntParams('elastic-binary', { allowlist: [] }), dialect: 'esql', target: 'sentinel', path: out,
      });
      expect(e).toMatchObject({ dialect: 'esql', target: null, path: out });
      expect(fs.readFileSync(out, 'utf8')).toBe(e.text);
      expect(e.text).toContain('// Allowlist: empty.');
    } finally {
      session.close();
    }
  });
});
