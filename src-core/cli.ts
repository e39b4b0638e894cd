// `longtail`: the headless main job. Imports into a case, hunts, prints and writes
// reports. Exit codes: 0 ok, 1 bad usage, 2 input errors (reports still written).
// cli/start.ts (the entry point) runs it on the main thread, or for big inputs in a
// worker thread with a capped heap (cli/cli-worker.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { openCase, CaseError, type Db } from './store/case-db.js';
import { importFiles, type FileImportResult, type ImportProgress } from './ingest/import-files.js';
import { runHunt } from './hunt/run-hunt.js';
import { huntParams, isPresetName } from './hunt/presets.js';
import { parseWindow } from './hunt/window.js';
import { parseAllowlist } from './hunt/allowlist-file.js';
import { reportToCsv } from './report/csv-report.js';
import { reportToJson } from './report/json-report.js';
import { formatHuntTable, formatImportLine } from './cli/table.js';
import { parseArgs, intOption, stringOption, UsageError, type Parsed } from './cli/args.js';
import { MEASURES, type HuntParams, type HuntReport, type Measure } from './model/hunt.js';
import { LONGTAIL_VERSION } from './version.js';
import { COMMAND_OPTIONS, USAGE } from './cli/usage.js';
import { dumpEvtx } from './ingest/evtx/index.js';
import { oneLine } from './report/sanitize.js';
import { listAllowlist, listPathRules } from './store/lists.js';
import { coverageRanges } from './hunt/coverage.js';
import { exportHuntQuery, type KqlTarget, type QueryDialect } from './query/export-query.js';
import { DEFAULT_PATH_RULES } from './hunt/defaults.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTty: boolean;
}

function progressPrinter(io: Io): (p: ImportProgress) => void {
  let last = 0;
  const started = Date.now();
  return (p) => {
    const now = Date.now();
    if (p.phase !== 'done' && now - last < (io.isTty ? 200 : 5000)) return;
    if (now - started < 1000 && p.phase !== 'done') return;
    last = now;
    const pct = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : 0;
    const what =
      p.phase === 'resolving' ? 'resolving process instances…' :
      p.phase === 'done' ? 'done' :
      `${p.phase} ${oneLine(path.basename(p.file ?? ''))} ${pct}% (${p.records} records)`;
    const line = `[${p.fileIndex + (p.phase === 'done' ? 0 : 1)}/${p.fileCount}] ${what}`;
    io.err(io.isTty ? `\r\x1b[K${line}${p.phase === 'done' ? '\n' : ''}` : `${line}\n`);
  };
}

/**
 * One input file smaller than this is parsed on the importing thread. A parse worker lets
 * parsing overlap with storing, but takes ~150 ms to start and load on the 2-core dev
 * machine, which a single small file never wins back: `longtail hunt` over one 611 KB
 * JSON log took 0.40 s with a worker, 0.25 s without (decision 53). Folders, several
 * files or a bigger one: the import's own rule (ingest/import-files.ts).
 */
export const ONE_FILE_INLINE_BYTES = 4 * 1024 * 1024;

function doImport(db: Db, inputs: string[], io: Io): FileImportResult[] {
  for (const input of inputs) {
    if (!fs.existsSync(input)) throw new UsageError(`${input}: no such file or directory`);
  }
  // For the tests and for whoever wonders where the memory cap applies (cli/start.ts).
  if (process.env['LONGTAIL_REPORT_HEAP']) {
    const mb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
    io.err(`longtail: importing on the ${isMainThread ? 'main' : 'worker'} thread, V8 heap limit ${mb} MB\n`);
  }
  const single = inputs.length === 1 ? fs.statSync(inputs[0]!, { throwIfNoEntry: false }) : undefined;
  const inline = single?.isFile() === true && single.size < ONE_FILE_INLINE_BYTES;
  const summary = importFiles(db, inputs, {
    onProgress: progressPrinter(io),
    ...(inline ? { workerMinBytes: ONE_FILE_INLINE_BYTES } : {}),
  });
  io.err('Import:\n');
  for (const f of summary.files) if (f.status !== 'ignored') io.err(formatImportLine(f) + '\n');
  // Ignored files by why: not data (a README), a collection's own bookkeeping (log.json).
  const byReason = new Map<string, FileImportResult[]>();
  for (const f of summary.files.filter((x) => x.status === 'ignored')) {
    const why = f.error?.endsWith('collection metadata, not event data') ? 'collection metadata, not imported' : 'ignored, not data';
    byReason.set(why, [...(byReason.get(why) ?? []), f]);
  }
  for (const [why, list] of byReason) {
    const names = list.slice(0, 3).map((f) => oneLine(path.basename(f.path))).join(', ');
    io.err(`  ${list.length} file(s) ${why}: ${names}${list.length > 3 ? ', …' : ''}\n`);
  }
  return summary.files;
}

function hasInputErrors(files: readonly FileImportResult[]): boolean {
  return files.some((f) => f.status === 'failed' || f.failed > 0);
}

function isCaseFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    const fd = fs.openSync(p, 'r');
    try {
      const buf = Buffer.alloc(16);
      fs.readSync(fd, buf, 0, 16, 0);
      return buf.toString('latin1') === 'SQLite format 3\u0000';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

function huntParamsFrom(p: Parsed): HuntParams {
  const presetText = stringOption(p, 'preset') ?? 'any';
  if (!isPresetName(presetText)) throw new UsageError(`unknown preset "${presetText}"`);
  let measures: Measure[] | undefined;
  const m = stringOption(p, 'measures');
  if (m !== undefined) {
    measures = m.split(',').map((s) => s.trim()).filter(Boolean) as Measure[];
    const bad = measures.find((x) => !MEASURES.includes(x));
    if (bad || measures.length === 0) throw new UsageError(`--measures takes binary, path and/or host`);
  }
  const match = stringOption(p, 'match');
  if (match !== undefined && match !== 'any' && match !== 'all') throw new UsageError('--match takes any or all');
  const windowText = stringOption(p, 'window');
  let window;
  try {
    window = windowText === undefined ? undefined : parseWindow(windowText);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const allowFile = stringOption(p, 'allowlist');
  let allowlist = null;
  if (allowFile !== undefined) {
    if (!fs.existsSync(allowFile)) throw new UsageError(`${allowFile}: no such allowlist file`);
    allowlist = parseAllowlist(fs.readFileSync(allowFile, 'utf8'), allowFile);
  }
  return huntParams(presetText, {
    ...(measures ? { measures } : {}),
    ...(match ? { match } : {}),
    ...(window ? { window } : {}),
    ...(intOption(p, 'max-hosts', 1) !== undefined ? { maxHosts: intOption(p, 'max-hosts', 1)! } : {}),
    ...(intOption(p, 'max-launches', 1) !== undefined ? { maxLaunches: intOption(p, 'max-launches', 1)! } : {}),
    includeTrusted: p.options.has('allow-signed'),
    ...(intOption(p, 'min-covered-hosts', 1) !== undefined ? { minCoveredHosts: intOption(p, 'min-covered-hosts', 1)! } : {}),
    allowlist,
  });
}

type Format = 'table' | 'csv' | 'json';

function formatOf(p: Parsed): Format {
  const f = stringOption(p, 'format') ?? 'table';
  if (f !== 'table' && f !== 'csv' && f !== 'json') throw new UsageError('--format takes table, csv or json');
  return f;
}

function render(report: HuntReport, format: Format): string {
  return format === 'csv' ? reportToCsv(report) : format === 'json' ? reportToJson(report) : formatHuntTable(report);
}

function writeReport(report: HuntReport, file: string, format: Format): void {
  const f: Format = format !== 'table' ? format : file.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
  fs.writeFileSync(file, render(report, f));
}

function outputHunt(report: HuntReport, p: Parsed, io: Io, oneShot: boolean): void {
  const format = formatOf(p);
  const out = stringOption(p, 'out');
  if (out !== undefined) {
    writeReport(report, out, format);
    io.out(formatHuntTable(report));
    io.err(`Report written to ${out}\n`);
    return;
  }
  io.out(render(report, format));
  if (oneShot && format === 'table') {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const base = `longtail-report-${stamp}`;
    writeReport(report, `${base}.csv`, 'csv');
    writeReport(report, `${base}.json`, 'json');
    io.err(`Reports written to ${base}.csv and ${base}.json\n`);
  }
}

function cmdImport(args: string[], io: Io): number {
  const p = parseArgs(args, COMMAND_OPTIONS.import);
  const [caseFile, ...inputs] = p.positionals;
  if (!caseFile || inputs.length === 0) throw new UsageError('import needs a CASE and FILES or DIRS');
  const { db } = openCase(caseFile);
  try {
    const files = doImport(db, inputs, io);
    return hasInputErrors(files) ? 2 : 0;
  } finally {
    db.close();
  }
}

function cmdHunt(args: string[], io: Io): number {
  const p = parseArgs(args, COMMAND_OPTIONS.hunt);
  if (p.positionals.length === 0) throw new UsageError('hunt needs a CASE, or FILES or DIRS');
  const params = huntParamsFrom(p);
  formatOf(p);
  if (p.positionals.length === 1 && isCaseFile(p.positionals[0]!)) {
    const caseFile = p.positionals[0]!;
    const { db } = openCase(caseFile, { create: false });
    try {
      const report = runHunt(db, params, { caseFile });
      outputHunt(report, p, io, false);
      return 0;
    } finally {
      db.close();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-'));
  const caseFile = path.join(dir, 'case.longtail');
  const { db } = openCase(caseFile);
  try {
    const files = doImport(db, p.positionals, io);
    const report = runHunt(db, params, { caseFile: null });
    outputHunt(report, p, io, true);
    return hasInputErrors(files) ? 2 : 0;
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cmdLog(args: string[], io: Io): number {
  const p = parseArgs(args, COMMAND_OPTIONS.log);
  const caseFile = p.positionals[0];
  if (!caseFile || p.positionals.length > 1) throw new UsageError('log needs one CASE');
  const { db } = openCase(caseFile, { create: false });
  try {
    const files = db.prepare('SELECT * FROM input_file ORDER BY id').all() as Array<Record<string, string | number | null>>;
    const notes = db.prepare('SELECT level, reason, count, refs FROM import_note WHERE file_id = ? ORDER BY id');
    // Paths, host names, reasons and record details come from the evidence: made terminal-safe.
    const text = (v: string | number | null | undefined) => oneLine(String(v ?? ''));
    for (const f of files) {
      io.out(
        `#${f['id']} ${text(f['path'])} [${f['status']}] ${text(f['format'])} sha256 ${f['sha256']}\n` +
          `    ${f['records']} records: ${f['stored']} stored, ${f['duplicates']} duplicate, ${f['skipped']} not used, ` +
          `${f['failed']} bad; ${f['time_min'] ?? '-'} .. ${f['time_max'] ?? '-'}; hosts ${text(f['hosts'] ?? '[]')}\n`,
      );
      if (f['error']) io.out(`    error: ${text(f['error'])}\n`);
      for (const n of notes.all(f['id']) as Array<{ level: string; reason: string; count: number; refs: string }>) {
        const refs = (JSON.parse(n.refs) as string[]).map(text);
        io.out(`    ${n.level}: ${text(n.reason)} (${n.count})${refs.length ? ` at ${refs.slice(0, 5).join('; ')}` : ''}\n`);
      }
    }
    // Issue 13: when each host was logging process starts, so a gap is seen before a hunt.
    const ranges = coverageRanges(db);
    io.out(`\nProcess-start coverage (UTC days, by host and source): ${new Set(ranges.map((r) => r.host)).size} host(s)\n`);
    let host: string | null = null;
    let parts: string[] = [];
    const flush = () => {
      if (host !== null) io.out(`  ${text(host)}: ${parts.join(', ')}\n`);
    };
    for (const r of ranges) {
      if (r.host !== host) {
        flush();
        host = r.host;
        parts = [];
      }
      parts.push(`${r.kind} ${r.from === r.to ? r.from : `${r.from}..${r.to}`} (${r.starts})`);
    }
    flush();
    return 0;
  } finally {
    db.close();
  }
}

/**
 * The hunt as configured, as KQL or ES|QL (issue 12). The allowlist and path rules are
 * the case's (read-only: the case is not changed), or the --allowlist file with the
 * default rules when no case is given.
 */
function cmdExportQuery(args: string[], io: Io): number {
  const p = parseArgs(args, COMMAND_OPTIONS['export-query']);
  const dialect = stringOption(p, 'dialect');
  if (dialect !== 'kql' && dialect !== 'esql') throw new UsageError('export-query needs --dialect kql or --dialect esql');
  const targetText = stringOption(p, 'target');
  if (targetText !== undefined && dialect !== 'kql') throw new UsageError('--target goes with --dialect kql');
  if (targetText !== undefined && targetText !== 'defender' && targetText !== 'sentinel') throw new UsageError('--target takes defender or sentinel');
  if (p.positionals.length > 1) throw new UsageError('export-query takes one CASE');
  const caseFile = p.positionals[0];
  if (caseFile === undefined && !p.options.has('allowlist')) throw new UsageError('export-query needs a CASE or --allowlist FILE');
  const params = huntParamsFrom(p);
  let allowlist = params.allowlist;
  let pathRules = params.pathRules ?? [...DEFAULT_PATH_RULES];
  if (caseFile !== undefined) {
    if (!isCaseFile(caseFile)) throw new UsageError(`${caseFile}: not a Longtail case file`);
    const { db } = openCase(caseFile, { readonly: true });
    try {
      allowlist ??= listAllowlist(db);
      pathRules = listPathRules(db);
    } finally {
      db.close();
    }
  }
  const q = exportHuntQuery({
    params, allowlist: allowlist ?? [], pathRules, dialect: dialect as QueryDialect,
    ...(targetText ? { target: targetText as KqlTarget } : {}),
    caseFile: caseFile ?? null,
  });
  for (const w of q.warnings) io.err(`longtail: warning: ${oneLine(w)}\n`);
  const out = stringOption(p, 'out');
  if (out === undefined) {
    io.out(q.text);
    return 0;
  }
  fs.writeFileSync(out, q.text);
  io.err(`Query written to ${out}\n`);
  return 0;
}

function cmdEvtxDump(args: string[], io: Io): number {
  const p = parseArgs(args, COMMAND_OPTIONS['evtx-dump']);
  if (p.positionals.length === 0) throw new UsageError('evtx-dump needs one or more EVTX files');
  let problems = 0;
  for (const file of p.positionals) {
    if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
    try {
      const r = dumpEvtx(file, {
        xml: p.options.has('xml'),
        out: (line) => io.out(line + '\n'),
        err: (line) => io.err(oneLine(line) + '\n'),
      });
      problems += r.issues;
    } catch (err) {
      io.err(`${file}: ${(err as Error).message}\n`);
      problems++;
    }
  }
  return problems > 0 ? 2 : 0;
}

export function main(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'import':
        return cmdImport(rest, io);
      case 'hunt':
        return cmdHunt(rest, io);
      case 'log':
        return cmdLog(rest, io);
      case 'evtx-dump':
        return cmdEvtxDump(rest, io);
      case 'export-query':
        return cmdExportQuery(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 1 : 0;
      case '--version':
        io.out(`${LONGTAIL_VERSION}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`longtail: ${err.message}\n\n${USAGE}`);
      return 1;
    }
    if (err instanceof CaseError) {
      io.err(`longtail: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** Runs the CLI on this process's streams; sets the exit code. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  // `longtail log CASE | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = main(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTty: Boolean(process.stderr.isTTY),
  });
}
