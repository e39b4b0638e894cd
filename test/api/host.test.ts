// The core's asynchronous face for the UI shells: validation at the boundary, queries
// in a session worker, imports in a worker with progress events, cancellation.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { CoreHost } from '../../src-core/api/host.js';
import { ApiError, type Events } from '../../src-core/api/contract.js';
import { huntParams } from '../../src-core/hunt/presets.js';
import { REPO, corpus } from '../helpers/corpus.js';
import { tempDir } from '../helpers/case-builder.js';

const dir = tempDir('longtail-host-');
const host = new CoreHost({ mode: 'browser', recentFile: path.join(dir, 'recent.json') });
afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function waitDone(jobId: number): Promise<Events['import.done']> {
  return new Promise((resolve) => {
    const off = host.on('import.done', (d) => {
      if (d.jobId === jobId) {
        off();
        resolve(d);
      }
    });
  });
}

describe('CoreHost', () => {
  it('rejects malformed calls at the boundary, naming the problem', async () => {
    await expect(host.call('case.open', { path: '' })).rejects.toThrow(/case.open: path/);
    await expect(host.call('hunt.run', { params: { ...huntParams('any'), maxHosts: -1 } })).rejects.toThrow(/maxHosts/);
    // @ts-expect-error: an unknown operation
    await expect(host.call('fs.delete', { path: '/' })).rejects.toThrow(/unknown operation "fs.delete"/);
    await expect(host.call('case.info', { sneaky: 1 } as unknown as Record<string, never>)).rejects.toThrow(ApiError);
    await expect(host.call('hunt.run', { params: huntParams('any') })).rejects.toMatchObject({ kind: 'no-case' });
  });

  it('creates a case, imports with progress events, hunts and opens a row', async () => {
    const info = await host.call('case.create', { path: path.join(dir, 'demo.longtail') });
    expect(info.inputs).toBe(0);
    const progress: Array<Events['import.progress']> = [];
    const files: Array<Events['import.file']> = [];
    const offP = host.on('import.progress', (p) => progress.push(p));
    const offF = host.on('import.file', (f) => files.push(f));
    const { jobId } = await host.call('import.start', { paths: [path.join(REPO, 'samples')] });
    const done = await waitDone(jobId);
    offP();
    offF();
    expect(done).toMatchObject({ jobId, cancelled: false, error: null, failed: 0 });
    const collection = (zip: string) => [
      'Security.evtx', 'System.evtx', 'Microsoft-Windows-Sysmon%254Operational.evtx', zip, // the zip's row once its members are done
    ];
    expect(files.filter((f) => f.status === 'complete').map((f) => path.basename(f.path))).toEqual([
      'fleet-union.csv', 'fleet-endpoint.ndjson', 'fleet-sysmon-security.json',
      ...collection('Collection-SRV-APP02_contoso_local-2026-10-28T23_52_37Z.zip'),
      ...collection('Collection-WKS-OPS10_contoso_local-2026-10-28T23_41_09Z.zip'),
    ]);
    expect(progress.some((p) => p.phase === 'resolving')).toBe(true);
    expect(progress.at(-1)?.phase).toBe('done');
    const after = await host.call('case.info', {});
    expect(after?.hosts.map((h) => h.key)).toContain('srv-file02');
    expect(after?.hosts.map((h) => h.key)).toContain('srv-app02'); // named by its collection's client_info.json
    const report = await host.call('hunt.run', { params: huntParams('any') });
    expect(report.rows).toHaveLength(6);
    const psexec = report.rows.find((r) => r.host === 'srv-file02')!;
    expect(psexec.children).toEqual([]); // the table is not enriched; the detail is
    const detail = await host.call('hunt.detail', { instanceId: psexec.instanceId, window: report.parameters.window.spec });
    expect(detail.row.children).toEqual(['cmd.exe', 'reg.exe']);
    expect(detail.timeline.filter((e) => e.lane === 'child').map((e) => e.label)).toEqual(['cmd.exe', 'reg.exe', 'reg.exe']);
    expect(detail.timeline[0]?.lane).toBe('service');
    const log = await host.call('import.log', {});
    expect(log.filter((f) => f.status === 'complete')).toHaveLength(11); // 3 files, 2 zips, their 6 logs
    expect(await host.call('import.status', {})).toEqual({ running: null, queued: [] });
    // The allowlist, written where the user chose.
    const out = path.join(dir, 'allow.csv');
    const exported = await host.call('allowlist.export', { format: 'csv', path: out });
    expect(exported.path).toBe(out);
    expect(fs.readFileSync(out, 'utf8')).toBe(exported.text);
    expect(exported.text).toContain('name,svchost.exe,,Default (KQL seed WhiteList),true');
  });

  it('cancels an import: nothing of the cut file is stored and the log says it is incomplete', async () => {
    await host.call('case.create', { path: path.join(dir, 'cancel.longtail') });
    const big = path.join(dir, 'big.ndjson');
    const line = fs.readFileSync(corpus('json', 'elastic-defend', 'process_sample_event.json'), 'utf8').replace(/\s*\n\s*/g, '');
    const doc = JSON.parse(line) as { process: { pid: number } };
    const out = fs.openSync(big, 'w');
    for (let i = 0; i < 60_000; i++) {
      doc.process.pid = i;
      fs.writeSync(out, JSON.stringify(doc) + '\n');
    }
    fs.closeSync(out);
    const { jobId } = await host.call('import.start', { paths: [big] });
    await new Promise<void>((resolve) => {
      const off = host.on('import.progress', (p) => {
        if (p.jobId === jobId && p.phase === 'reading' && p.records > 0) {
          off();
          resolve();
        }
      });
    });
    // A page reloaded meanwhile finds the running job again.
    const status = await host.call('import.status', {});
    expect(status.running?.jobId).toBe(jobId);
    expect(status.running?.paths).toEqual([big]);
    expect(status.running?.progress?.records).toBeGreaterThan(0);
    await host.call('import.cancel', { jobId });
    const done = await waitDone(jobId);
    expect(done.cancelled).toBe(true);
    // The session reopens the case after a cut import, which marks the file.
    await new Promise((r) => setTimeout(r, 300));
    const log = await host.call('import.log', {});
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'incomplete', stored: 0 });
    const info = await host.call('case.info', {});
    expect(info?.events.process).toBe(0);
  });
});
