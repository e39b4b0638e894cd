// A ReportRow for the renderer's unit tests: every field set, any overridden.
import type { ReportRow } from '../../src-core/model/hunt.js';

export function row(id: number, over: Partial<ReportRow> = {}): ReportRow {
  return {
    instanceId: id, host: 'ws01', hostName: 'WS01', name: 'svc.exe', path: 'C:\\svc.exe', commandLine: null, user: null, pid: null,
    startTime: '2026-10-01T00:00:00.0000000Z', hash: null, hashes: { sha256: null, sha1: null, md5: null }, signature: 'unknown',
    signer: null, binaryHosts: null, pathKey: null, pathHosts: null, launchesOnHost: 0, rareBy: [], children: [], childCommandLines: [],
    remoteIps: [], remotePorts: [], remoteNames: [], files: [], fileDetails: [], dlls: [], dllDetails: [], serviceInstall: null,
    firstSeen: '2026-10-01T00:00:00.0000000Z', lastSeen: '2026-10-01T00:00:00.0000000Z', sources: [], flags: [],
    counts: { children: 0, remoteIps: 0, files: 0, dlls: 0 }, coveredHosts: 10, thinCoverage: false,
    verdict: 'unreviewed', note: '', verdictBy: null, verdictAt: null, ...over,
  };
}
