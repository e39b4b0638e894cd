// The readable summary printed by `longtail hunt`: one line per rare service process,
// attacker-controlled text made terminal-safe.
import type { HuntReport } from '../model/hunt.js';
import type { FileImportResult } from '../ingest/import-files.js';
import { oneLine } from '../report/sanitize.js';

function clip(text: string, width: number): string {
  const t = oneLine(text);
  return t.length <= width ? t : t.slice(0, width - 1) + '…';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function list(values: readonly (string | number)[], max: number): string {
  if (values.length === 0) return '-';
  const shown = values.slice(0, max).map((v) => String(v));
  return shown.join(', ') + (values.length > max ? ` +${values.length - max}` : '');
}

export function formatHuntTable(report: HuntReport): string {
  const p = report.parameters;
  const s = report.stats;
  const lines: string[] = [];
  lines.push(
    `Rare service processes — preset ${p.preset}, measures ${p.measures.join('+')} (${p.match}), ` +
      `window: ${p.window.description}, max hosts ${p.maxHosts}, max launches ${p.maxLaunches}` +
      (p.includeTrusted ? ', trusted binaries included' : ''),
  );
  lines.push(
    `${s.serviceInstances} service process instances, ${s.allowlisted} allowlisted, ${s.inWindow} in the window, ` +
      `${s.rare} rare. ${s.coveredHosts} of ${s.hosts} hosts logged process starts in the window` +
      (s.thinCoverage ? `; ${s.thinCoverage} row(s) measured on thin coverage (fewer than ${p.minCoveredHosts} hosts that day).` : '.'),
  );
  if (report.rows.length === 0) return lines.join('\n') + '\n';
  const header = ['HOST', 'START (UTC)', 'SERVICE PROCESS', 'RARE BY', 'HOSTS b/p', 'LAUNCHES'];
  const widths = [14, 24, 48, 16, 10, 8];
  lines.push('');
  lines.push(header.map((h, i) => pad(h, widths[i]!)).join(' '));
  for (const r of report.rows) {
    const cells = [
      clip(r.host, widths[0]!),
      r.startTime.slice(0, 23).replace('T', ' '),
      clip(r.path ?? r.name ?? '?', widths[2]!),
      r.rareBy.join(','),
      `${r.binaryHosts ?? '-'}/${r.pathHosts ?? '-'}`,
      String(r.launchesOnHost),
    ];
    lines.push(cells.map((c, i) => pad(c, widths[i]!)).join(' '));
    const details: string[] = [];
    if (r.commandLine) details.push(`cmd: ${clip(r.commandLine, 110)}`);
    if (r.children.length) details.push(`children: ${clip(list(r.children, 6), 110)}`);
    if (r.remoteIps.length || r.remoteNames.length) {
      details.push(`network: ${clip(list([...r.remoteNames, ...r.remoteIps], 6), 100)} ports ${list(r.remotePorts, 6)}`);
    }
    if (r.files.length) details.push(`files: ${clip(list(r.files, 4), 110)}`);
    const unsigned = r.dllDetails.filter((d) => d.signed === false || d.signature === 'untrusted');
    if (r.dlls.length) {
      details.push(`dlls: ${r.dlls.length}` + (unsigned.length ? `, unsigned: ${clip(list(unsigned.map((d) => d.path), 3), 90)}` : ''));
    }
    if (r.serviceInstall) {
      details.push(`installed as "${clip(r.serviceInstall.serviceName ?? '?', 40)}" at ${r.serviceInstall.time.slice(0, 19)}`);
    }
    details.push(`signature: ${r.signature}${r.hash ? `, ${r.hash.slice(0, 20)}…` : ', no hash'}`);
    for (const f of r.flags) details.push(`flag: ${clip(f, 110)}`);
    details.push(`covered hosts that day: ${r.coveredHosts}`);
    if (r.verdict !== 'unreviewed' || r.note) {
      details.push(`verdict: ${r.verdict}${r.verdictBy ? ` (${clip(r.verdictBy, 30)}, ${r.verdictAt?.slice(0, 16) ?? '?'})` : ''}${r.note ? `: ${clip(r.note, 90)}` : ''}`);
    }
    for (const d of details) lines.push(`    ${d}`);
  }
  return lines.join('\n') + '\n';
}

export function formatImportLine(r: FileImportResult): string {
  const name = oneLine(r.path);
  const m = r.members;
  switch (r.status) {
    case 'complete':
      if (m) {
        const problems = r.notes.filter((n) => n.level === 'error').map((n) => oneLine(n.reason));
        return (
          `  ${name}: ${r.format} archive, ${m.total} member file(s): ${m.complete} imported, ${m.duplicate} already in the case, ` +
          `${m.failed} failed, ${m.ignored} not event data${problems.length ? `; ${problems.join('; ')}` : ''}`
        );
      }
      return (
        `  ${name}: ${r.format}, ${r.records} records: ${r.stored} stored, ${r.duplicates} duplicate, ` +
        `${r.skipped} not used, ${r.failed} bad`
      );
    case 'duplicate':
      return `  ${name}: skipped, ${oneLine(r.error ?? 'already imported')}`;
    case 'ignored':
      return `  ${name}: ignored, ${oneLine(r.error ?? '')}`;
    default:
      return `  ${name}: FAILED, ${oneLine(r.error ?? 'unknown error')}`;
  }
}
