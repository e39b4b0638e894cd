// Spec section 5 CSV export: a header row, sets joined with `;`, UTF-8 with BOM, and
// cells a spreadsheet would run as formulas neutralized. The parameters and inputs the
// report was computed from follow the table after an empty line, as `#` rows.
import Papa from 'papaparse';
import type { HuntReport, ReportRow } from '../model/hunt.js';
import { neutralizeFormula } from './sanitize.js';

type Cell = string | number | null;

export const CSV_COLUMNS: ReadonlyArray<[string, (r: ReportRow) => Cell | readonly (string | number)[]]> = [
  ['host', (r) => r.host],
  ['hostName', (r) => r.hostName],
  ['name', (r) => r.name],
  ['path', (r) => r.path],
  ['commandLine', (r) => r.commandLine],
  ['user', (r) => r.user],
  ['pid', (r) => r.pid],
  ['startTime', (r) => r.startTime],
  ['hash', (r) => r.hash],
  ['signature', (r) => r.signature],
  ['signer', (r) => r.signer],
  ['binaryHosts', (r) => r.binaryHosts],
  ['pathKey', (r) => r.pathKey],
  ['pathHosts', (r) => r.pathHosts],
  ['launchesOnHost', (r) => r.launchesOnHost],
  ['rareBy', (r) => r.rareBy],
  ['children', (r) => r.children],
  ['childCommandLines', (r) => r.childCommandLines],
  ['remoteIps', (r) => r.remoteIps],
  ['remotePorts', (r) => r.remotePorts],
  ['remoteNames', (r) => r.remoteNames],
  ['files', (r) => r.files],
  ['dlls', (r) => r.dlls],
  ['unsignedDlls', (r) => r.dllDetails.filter((d) => d.signed === false || d.signature === 'untrusted').map((d) => d.path)],
  ['serviceName', (r) => r.serviceInstall?.serviceName ?? null],
  ['serviceImagePath', (r) => r.serviceInstall?.imagePath ?? null],
  ['serviceAccount', (r) => r.serviceInstall?.account ?? null],
  ['serviceStartType', (r) => r.serviceInstall?.startType ?? null],
  ['serviceInstallTime', (r) => r.serviceInstall?.time ?? null],
  ['firstSeen', (r) => r.firstSeen],
  ['lastSeen', (r) => r.lastSeen],
  ['flags', (r) => r.flags],
  ['sources', (r) => r.sources],
  // Issue 13: the grid's counts, the coverage behind the measures, and the verdict.
  ['childCount', (r) => r.counts.children],
  ['remoteIpCount', (r) => r.counts.remoteIps],
  ['fileCount', (r) => r.counts.files],
  ['dllCount', (r) => r.counts.dlls],
  ['coveredHosts', (r) => r.coveredHosts],
  ['thinCoverage', (r) => String(r.thinCoverage)],
  ['verdict', (r) => r.verdict],
  ['note', (r) => r.note],
  ['verdictBy', (r) => r.verdictBy],
  ['verdictAt', (r) => r.verdictAt],
];

/**
 * Spreadsheets in many locales split CSV at `;` (and LibreOffice may at tabs): a cell
 * holding one is quoted, or `first;=cmd|…` (a set joined with `;`, or a value) would
 * open as a second cell that starts a formula.
 */
function separatorQuotes(value: unknown): boolean {
  return typeof value === 'string' && /[;\t]/.test(value);
}

function cell(v: Cell | readonly (string | number)[]): string {
  if (v === null) return '';
  const text = Array.isArray(v) ? v.join(';') : String(v);
  return neutralizeFormula(text);
}

export function reportToCsv(report: HuntReport): string {
  const rows: string[][] = [CSV_COLUMNS.map(([name]) => name)];
  for (const r of report.rows) rows.push(CSV_COLUMNS.map(([, get]) => cell(get(r))));
  const p = report.parameters;
  const meta: string[][] = [
    [],
    ['# parameters'],
    ['preset', p.preset],
    ['measures', p.measures.join(';')],
    ['match', p.match],
    ['window', p.window.description],
    ['windowFrom', p.window.from ?? ''],
    ['windowTo', p.window.to ?? ''],
    ['maxHosts', String(p.maxHosts)],
    ['maxLaunches', String(p.maxLaunches)],
    ['includeTrusted', String(p.includeTrusted)],
    ['minCoveredHosts', String(p.minCoveredHosts)],
    ...p.pathRules.map((r, i) => [`pathRule${i + 1}`, r.pattern, r.replacement, r.enabled ? 'enabled' : 'disabled']),
    ...p.allowlist.map((a, i) => [`allow${i + 1}`, a.kind, a.value, (a.hosts ?? []).join(';'), a.reason, a.enabled ? 'enabled' : 'disabled']),
    ['generatedAt', p.generatedAt],
    ['longtailVersion', p.longtailVersion],
    ['# inputs'],
    ['file', 'sha256', 'format', 'records', 'container'],
    ...report.inputs.map((i) => [i.file, i.sha256, i.format ?? '', String(i.records), i.container ?? '']),
  ].map((r) => r.map((c) => neutralizeFormula(c)));
  const table = Papa.unparse(rows, { newline: '\r\n', quotes: separatorQuotes });
  const tail = Papa.unparse(meta, { newline: '\r\n', quotes: separatorQuotes });
  return '\uFEFF' + table + '\r\n' + tail + '\r\n';
}
