// Import jobs as the core reports them: progress per file (bytes, records), each file's
// result, and the end of the job. Events are kept by job id as they arrive, so none is
// lost if they come before import.start answers.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../bridge/index.js';
import { useApp } from './app.js';
import { applyFile, applyProgress, emptyJob, type JobState } from '../lib/import-job.js';

export type { FileProgress, JobState } from '../lib/import-job.js';
export { overallFraction } from '../lib/import-job.js';

export interface ImportState {
  /** The job shown on the Import screen (the latest one started here). */
  job: JobState | null;
  running: boolean;
  start(paths: string[]): Promise<void>;
  cancel(): Promise<void>;
  /** Bumped when a job ends (the import log is read again). */
  logVersion: number;
}

const Ctx = createContext<ImportState | null>(null);

export function ImportProvider({ children, onImported }: { children: ReactNode; onImported: () => void }) {
  const { bridge, refreshCase, fail, caseEpoch } = useApp();
  const [jobs, setJobs] = useState<Map<number, JobState>>(() => new Map());
  const [currentId, setCurrentId] = useState<number | null>(null);
  const [starting, setStarting] = useState(false);
  const [logVersion, setLogVersion] = useState(0);
  const after = useRef(onImported);
  useEffect(() => {
    after.current = onImported;
  }, [onImported]);

  useEffect(() => {
    const upd = (jobId: number, f: (j: JobState) => JobState) =>
      setJobs((cur) => {
        const next = new Map(cur);
        next.set(jobId, f(cur.get(jobId) ?? emptyJob(jobId)));
        return next;
      });
    const offs = [
      bridge.on('import.progress', (p) => upd(p.jobId, (j) => applyProgress(j, p))),
      bridge.on('import.file', (r) => upd(r.jobId, (j) => applyFile(j, r))),
      bridge.on('import.done', (d) => {
        upd(d.jobId, (j) => ({ ...j, done: d, phase: 'done', cancelling: false }));
        setLogVersion((v) => v + 1);
        void refreshCase();
        after.current();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [bridge, refreshCase]);

  useEffect(() => {
    setCurrentId(null);
    setLogVersion((v) => v + 1);
    // A page reloaded while an import runs picks the job up again.
    bridge.call('import.status', {}).then((s) => {
      if (!s.running) return;
      const { jobId, paths, progress } = s.running;
      setJobs((cur) => {
        const next = new Map(cur);
        const job = cur.get(jobId) ?? emptyJob(jobId, paths);
        next.set(jobId, progress ? applyProgress({ ...job, paths }, { ...progress, jobId }) : { ...job, paths });
        return next;
      });
      setCurrentId(jobId);
    }, () => undefined);
  }, [bridge, caseEpoch]);

  const start = useCallback(async (paths: string[]) => {
    setStarting(true);
    try {
      const { jobId } = await bridge.call('import.start', { paths });
      setJobs((cur) => {
        const next = new Map(cur);
        const had = cur.get(jobId);
        next.set(jobId, had ? { ...had, paths } : emptyJob(jobId, paths));
        return next;
      });
      setCurrentId(jobId);
    } catch (err) {
      fail(err, 'Starting the import');
    } finally {
      setStarting(false);
    }
  }, [bridge, fail]);

  const job = currentId === null ? null : jobs.get(currentId) ?? null;

  const cancel = useCallback(async () => {
    if (!job || job.done) return;
    setJobs((cur) => new Map(cur).set(job.jobId, { ...job, cancelling: true }));
    try {
      await bridge.call('import.cancel', { jobId: job.jobId });
    } catch (err) {
      fail(errorText(err), 'Cancelling the import');
    }
  }, [bridge, fail, job]);

  const value = useMemo<ImportState>(
    () => ({ job, running: starting || (job !== null && job.done === null), start, cancel, logVersion }),
    [job, starting, start, cancel, logVersion],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useImports(): ImportState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useImports outside ImportProvider');
  return v;
}
