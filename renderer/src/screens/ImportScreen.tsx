// Import: choose or drop files and folders, watch each file's progress, cancel, see
// which hosts logged process starts on which days (coverage), and read the import log
// (what became of every input file's records).
import { useEffect, useState, type DragEvent } from 'react';
import type { ImportLogEntry } from '../../../src-core/api/contract.js';
import { useApp } from '../state/app.js';
import { overallFraction, useImports, type FileProgress, type JobState } from '../state/imports.js';
import { SafeText } from '../components/SafeText.js';
import { Badge, ProgressBar, ScreenHead, statusTone } from '../components/ui.js';
import { usePicker } from '../components/usePicker.js';
import { CoverageCard } from './CoverageCard.js';
import { baseName, bytes, count, dirName, fullTime, plural, shortTime } from '../lib/format.js';

export function ImportScreen() {
  const { bridge, caseInfo, tell } = useApp();
  const imports = useImports();
  const [picker, pick] = usePicker();
  const [queue, setQueue] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const [dropNote, setDropNote] = useState<string | null>(null);
  const shell = bridge.shell;

  const add = (paths: string[]) => setQueue((cur) => [...cur, ...paths.filter((p) => p && !cur.includes(p))]);

  const chooseFiles = async () => {
    if (shell) add(await shell.pickFiles());
    else add(await pick({ mode: 'multi', title: 'Choose files and folders to import', startDir: caseInfo ? dirName(caseInfo.path) || null : null }));
  };
  const chooseFolder = async () => {
    if (!shell) return;
    const p = await shell.pickFolder();
    if (p) add([p]);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (!files.length) return;
    if (shell) {
      const paths = shell.pathsForFiles(files);
      if (paths.length) {
        add(paths);
        setDropNote(null);
      } else setDropNote('Could not read where the dropped items are. Use “Add files…” instead.');
    } else {
      setDropNote('A web browser does not tell Longtail where dropped files are on disk. Use “Choose files or folders…” to pick them.');
    }
  };

  const start = async () => {
    if (!queue.length) return;
    await imports.start(queue);
    setQueue([]);
    setDropNote(null);
  };

  useEffect(() => {
    const d = imports.job?.done;
    if (!d) return;
    if (d.cancelled) tell('Import cancelled: the file being read was left out entirely; files finished before it are kept.');
  }, [imports.job?.done, tell]);

  return (
    <div className="screen import">
      <ScreenHead title="Import" />
      <div className="scroll">
        <div
          className={`dropzone ${dragging ? 'over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          aria-label="Drop files or folders here to add them"
        >
          <p>
            <strong>Drop files or folders here</strong>, or{' '}
            {shell ? (
              <>
                <button type="button" onClick={() => void chooseFiles()}>Add files…</button>{' '}
                <button type="button" onClick={() => void chooseFolder()}>Add folder…</button>
              </>
            ) : (
              <button type="button" onClick={() => void chooseFiles()}>Choose files or folders…</button>
            )}
          </p>
          <p className="muted small">
            EVTX, Defender (CSV, JSON, NDJSON), Elastic (NDJSON, _search JSON, Kibana CSV), Winlogbeat and Security-Datasets JSON, EvtxECmd CSV and JSON;
            in zip, gz, tar and tar.gz archives too (Velociraptor collections, KAPE trees), read without extracting them.
            The format is read from the content; folders are searched, and files that are not data are skipped.
            Importing a file again stores nothing twice.
          </p>
          {dropNote ? <p className="note" role="status">{dropNote}</p> : null}
        </div>

        {queue.length > 0 ? (
          <section className="queue" aria-labelledby="queue-h">
            <h2 id="queue-h">To import ({queue.length})</h2>
            <ul className="path-list">
              {queue.map((p) => (
                <li key={p}>
                  <SafeText value={p} oneLine tooltip className="mono" />
                  <button type="button" className="icon" aria-label={`Remove ${baseName(p)}`} onClick={() => setQueue((c) => c.filter((x) => x !== p))}>×</button>
                </li>
              ))}
            </ul>
            <div className="row">
              <button type="button" className="primary" onClick={() => void start()} disabled={imports.running}>
                Import {plural(queue.length, 'item')}
              </button>
              <button type="button" onClick={() => setQueue([])}>Clear</button>
              {imports.running ? <span className="muted">Another import is running; this one will wait for it.</span> : null}
            </div>
          </section>
        ) : null}

        {imports.job ? <JobView job={imports.job} onCancel={() => void imports.cancel()} /> : null}

        {caseInfo ? <CoverageCard version={imports.logVersion} /> : null}

        <ImportLog />
      </div>
      {picker}
    </div>
  );
}

function phaseText(job: JobState): string {
  if (job.done) {
    if (job.done.error) return `Import stopped: ${job.done.error}`;
    if (job.done.cancelled) return 'Import cancelled';
    return `Import finished: ${plural(job.done.files, 'file')}${job.done.failed ? `, ${job.done.failed} failed` : ''}`;
  }
  if (job.cancelling) return 'Cancelling…';
  switch (job.phase) {
    case 'starting': return 'Starting…';
    case 'hashing': return `Checking file ${job.fileIndex + 1} of ${job.fileCount}…`;
    case 'reading': return `Reading file ${Math.min(job.fileIndex + 1, job.fileCount)} of ${job.fileCount}…`;
    case 'resolving': return 'Linking processes to their parents and services…';
    case 'done': return 'Finishing…';
  }
}

/** `24 complete, 13 ignored` */
function summary(job: JobState): string {
  const by = new Map<string, number>();
  for (const f of job.files) if (f.result) by.set(f.result.status, (by.get(f.result.status) ?? 0) + 1);
  return [...by.entries()].map(([k, n]) => `${count(n)} ${k}`).join(', ');
}

function JobView({ job, onCancel }: { job: JobState; onCancel(): void }) {
  // Files stay listed while the job runs; once it is done they fold away (the log has them).
  const [showFiles, setShowFiles] = useState(false);
  const frac = overallFraction(job);
  const totalRecords = job.files.reduce((a, f) => a + f.records, 0);
  const totalStored = job.files.reduce((a, f) => a + f.stored, 0);
  const tone = job.done ? (job.done.error || job.done.failed ? 'warn' : job.done.cancelled ? 'muted' : 'ok') : 'info';
  return (
    <section className={`job ${tone}`} aria-labelledby="job-h">
      <div className="job-head">
        <h2 id="job-h" aria-live="polite">{phaseText(job)}</h2>
        {!job.done ? <button type="button" onClick={onCancel} disabled={job.cancelling}>Cancel import</button> : null}
      </div>
      <ProgressBar value={frac} label="Overall import progress" busy={!job.done} />
      <p className="muted small job-figures">
        {count(totalRecords)} records read · {count(totalStored)} stored · {job.fileCount ? `${Math.min(job.files.filter((f) => f.result).length, job.fileCount)} of ${plural(job.fileCount, 'file')} done` : ''}
      </p>
      {job.files.length > 0 && job.done && !showFiles ? (
        <button type="button" className="link small" onClick={() => setShowFiles(true)}>
          Show the {plural(job.files.length, 'file')} ({summary(job)})
        </button>
      ) : null}
      {job.files.length > 0 && (!job.done || showFiles) ? (
        <table className="plain files">
          <caption className="sr-only">Files of this import</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="bar-col">Progress</th>
              <th scope="col" className="num">Records</th>
              <th scope="col" className="num">Stored</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {job.files.map((f) => <FileRow key={`${f.index}:${f.path}`} f={f} />)}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function FileRow({ f }: { f: FileProgress }) {
  const frac = f.result ? 1 : f.bytesTotal > 0 ? f.bytesDone / f.bytesTotal : 0;
  return (
    <tr className={f.result?.status === 'ignored' || f.result?.status === 'duplicate' ? 'ignored' : ''}>
      <td className="file-cell"><SafeText value={baseName(f.path)} oneLine tooltip className="mono" /></td>
      <td className="bar-col">
        <ProgressBar value={frac} label={`Progress of ${baseName(f.path)}`} busy={!f.result} />
        <span className="muted small">{bytes(f.result ? f.result.size : f.bytesDone)} of {bytes(f.result ? f.result.size : f.bytesTotal)}</span>
      </td>
      <td className="num">{count(f.records)}</td>
      <td className="num">{count(f.stored)}</td>
      <td>{f.result ? <Badge tone={statusTone(f.result.status)}>{f.result.status}</Badge> : <Badge tone="info">{f.phase}</Badge>}</td>
    </tr>
  );
}

function ImportLog() {
  const { bridge, fail } = useApp();
  const { logVersion } = useImports();
  const [log, setLog] = useState<ImportLogEntry[] | null>(null);
  const [problemsOnly, setProblemsOnly] = useState(false);

  useEffect(() => {
    let live = true;
    bridge.call('import.log', {}).then((l) => live && setLog(l), (err: unknown) => fail(err, 'Reading the import log'));
    return () => {
      live = false;
    };
  }, [bridge, fail, logVersion]);

  if (!log) return null;
  const hasProblem = (e: ImportLogEntry) =>
    e.status !== 'complete' || e.failed > 0 || e.notes.some((n) => n.level === 'error' || n.level === 'warning') || e.error !== null;
  const shown = [...log].reverse().filter((e) => !problemsOnly || hasProblem(e));
  return (
    <section className="import-log" aria-labelledby="log-h">
      <div className="section-head">
        <h2 id="log-h">Import log ({log.length})</h2>
        <label className="inline">
          <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} /> Only files with problems
        </label>
      </div>
      {log.length === 0 ? <p className="muted">Nothing imported into this case yet.</p> : null}
      <div className="log-list">
        {shown.map((e) => <LogEntry key={e.id} e={e} />)}
      </div>
    </section>
  );
}

const LEVEL_TONE = { error: 'bad', warning: 'warn', info: 'info', skipped: 'muted' } as const;

/** An archive's members by what became of them, e.g. "7 imported · 1 failed". */
function memberSummary(m: Record<string, number>): string {
  const words: Array<[string, string]> = [['complete', 'imported'], ['duplicate', 'already in the case'], ['failed', 'failed'], ['incomplete', 'interrupted'], ['importing', 'importing']];
  const parts = words.filter(([k]) => (m[k] ?? 0) > 0).map(([k, w]) => `${count(m[k]!)} ${w}`);
  return parts.length ? parts.join(' · ') : 'no member files with data';
}

function LogEntry({ e }: { e: ImportLogEntry }) {
  const errors = e.notes.filter((n) => n.level === 'error').reduce((a, n) => a + n.count, 0);
  const warnings = e.notes.filter((n) => n.level === 'warning').reduce((a, n) => a + n.count, 0);
  return (
    <details className="log-entry">
      <summary>
        <Badge tone={statusTone(e.status)}>{e.status}</Badge>
        <span className="log-name"><SafeText value={baseName(e.path)} oneLine /></span>
        <span className="muted small">{e.members ? `${e.format} archive` : (e.format ?? 'format unknown')}</span>
        {e.container ? <span className="muted small">in <SafeText value={baseName(e.container)} oneLine /></span> : null}
        <span className="log-counts small">
          {e.members ? <>members: {memberSummary(e.members)}</> : <>{count(e.records)} read · {count(e.stored)} stored</>}
          {e.failed ? <> · <span className="bad-text">{count(e.failed)} bad</span></> : null}
          {errors ? <> · <span className="bad-text">{plural(errors, 'error')}</span></> : null}
          {warnings ? <> · <span className="warn-text">{plural(warnings, 'warning')}</span></> : null}
        </span>
      </summary>
      <div className="log-body">
        <dl className="kv">
          <dt>Path</dt><dd><SafeText value={e.path} className="mono wrap" /></dd>
          {e.container ? (<><dt>In archive</dt><dd><SafeText value={e.container} className="mono wrap" /></dd></>) : null}
          {e.members ? (<><dt>Members</dt><dd>{memberSummary(e.members)}</dd></>) : null}
          <dt>SHA-256</dt><dd className="mono wrap">{e.sha256}</dd>
          <dt>Format</dt><dd>{e.format ?? '—'}</dd>
          {e.members ? null : <dt>Records</dt>}
          {e.members ? null : <dd>
            <span className="figure"><b>{count(e.records)}</b> read</span>
            <span className="figure"><b>{count(e.stored)}</b> stored</span>
            <span className="figure"><b>{count(e.duplicates)}</b> duplicate</span>
            <span className="figure" title="records of kinds the hunt does not use, or from non-Windows hosts"><b>{count(e.skipped)}</b> not used</span>
            <span className="figure"><b className={e.failed ? 'bad-text' : ''}>{count(e.failed)}</b> bad</span>
          </dd>}
          <dt>Time range</dt><dd>{e.timeMin ? `${fullTime(e.timeMin)} → ${fullTime(e.timeMax)}` : '—'}</dd>
          <dt>Hosts</dt>
          <dd>{e.hosts.length ? e.hosts.map((h, i) => <span key={i} className="chip-inline"><SafeText value={h} oneLine /></span>) : '—'}</dd>
          <dt>Imported</dt><dd>{shortTime(e.startedAt)}{e.finishedAt ? ` → ${shortTime(e.finishedAt)}` : ''} UTC</dd>
          {e.error ? (<><dt>Error</dt><dd className="bad-text"><SafeText value={e.error} /></dd></>) : null}
        </dl>
        {e.notes.length ? <Notes notes={e.notes} /> : <p className="muted small">No errors, warnings or skipped records.</p>}
      </div>
    </details>
  );
}

const LEVELS = [
  { level: 'error', title: 'Errors' },
  { level: 'warning', title: 'Warnings' },
  { level: 'info', title: 'Information' },
  { level: 'skipped', title: 'Not used' },
] as const;

/** A file's notes by level: errors and warnings open, skipped reasons folded when there are many. */
function Notes({ notes }: { notes: ImportLogEntry['notes'] }) {
  return (
    <div className="notes-groups">
      {LEVELS.map(({ level, title }) => {
        const list = notes.filter((n) => n.level === level);
        if (!list.length) return null;
        const total = list.reduce((a, n) => a + n.count, 0);
        return (
          <details key={level} className={`notes-group note-${level}`} open={level !== 'skipped' || list.length <= 3}>
            <summary>
              <Badge tone={LEVEL_TONE[level]}>{title}</Badge> {level === 'info' ? null : plural(total, 'record')}
              {list.length > 1 ? <span className="muted">, {list.length} reasons</span> : null}
            </summary>
            <ul className="notes">
              {list.map((n, i) => (
                <li key={i}>
                  <SafeText value={n.reason} /> <span className="muted">× {count(n.count)}</span>
                  {n.refs.length > 0 && n.refs.length <= 2 ? (
                    <span className="muted small mono"> ({n.refs.map((r, j) => <span key={j}>{j ? '; ' : ''}<SafeText value={r} oneLine /></span>)})</span>
                  ) : null}
                  {n.refs.length > 2 ? (
                    <details className="refs">
                      <summary>{n.refs.length < n.count ? `first ${n.refs.length} locations` : plural(n.refs.length, 'location')}</summary>
                      <ul>{n.refs.map((r, j) => <li key={j} className="mono small"><SafeText value={r} /></li>)}</ul>
                    </details>
                  ) : null}
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </div>
  );
}
