// `npm run hunt -- samples/`: the planted rare services and nothing ordinary.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { REPO } from '../helpers/corpus.js';
import { tempCase } from '../helpers/case-builder.js';
import { importFiles } from '../../src-core/ingest/import-files.js';
import { runHunt } from '../../src-core/hunt/run-hunt.js';
import { huntParams } from '../../src-core/hunt/presets.js';

const c = tempCase();
afterAll(() => c.close());

describe('the demo fleet', () => {
  it('imports cleanly and the default hunt reports exactly the planted services', () => {
    const s = importFiles(c.db, [path.join(REPO, 'samples')]);
    const data = s.files.filter((f) => f.status !== 'ignored');
    expect(data.map((f) => [path.basename(f.path), f.status, f.failed])).toEqual([
      ['fleet-union.csv', 'complete', 0], ['fleet-endpoint.ndjson', 'complete', 0], ['fleet-sysmon-security.json', 'complete', 0],
    ]);
    const report = runHunt(c.db, huntParams('any'));
    expect(report.rows.map((r) => [r.host, r.path, r.rareBy.join('+')])).toEqual([
      ['eng-ws06', 'C:\\ProgramData\\UpdaterSvc\\updsvc.exe', 'binary+path'],
      ['eng-ws06', 'C:\\ProgramData\\UpdaterSvc\\updsvc.exe', 'binary+path'],
      ['fin-ws02', 'C:\\Windows\\Temp\\a7f3c2e1.exe', 'binary+path+host'],
      ['srv-file02', 'C:\\Windows\\PSEXESVC.exe', 'binary+path+host'],
      ['wks-ops09', 'C:\\Users\\jdoe\\AppData\\Local\\Temp\\svch0st4821.exe', 'binary+path+host'],
    ]);
    const psexec = report.rows.find((r) => r.host === 'srv-file02')!;
    expect(psexec.children).toEqual(['cmd.exe', 'reg.exe']);
    expect(psexec.serviceInstall?.serviceName).toBe('PSEXESVC');
    const upd = report.rows.find((r) => r.host === 'eng-ws06')!;
    expect(upd.dllDetails.filter((d) => d.signature === 'untrusted' || d.signed === false).map((d) => d.path)).toEqual(['C:\\ProgramData\\UpdaterSvc\\version.dll']);
    expect(upd.remoteNames).toEqual(['cdn.update-sync.example.net']);
  });
});
