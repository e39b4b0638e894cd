// The handlers of the API contract over one open case, synchronous (better-sqlite3).
// A host runs a Session in a worker thread, so the UI thread never waits on it; the
// import job runs in a worker of its own (see host.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/case-db.js';
import { openCase } from '../store/case-db.js';
import {
  addAllowEntry, deleteAllowEntry, listAllowlist, listPathRules, replaceAllowlist, replacePathRules,
  resetAllowlist, resetPathRules, updateAllowEntry,
} from '../store/lists.js';
import { runHunt } from '../hunt/run-hunt.js';
import { enrichRows } from '../hunt/enrich.js';
import { windowBounds } from '../hunt/window.js';
import { compilePathRules } from '../hunt/path-rules.js';
import { allowlistToCsv, allowlistToJson, parseAllowlist } from '../hunt/allowlist-file.js';
import { reportToCsv } from '../report/csv-report.js';
import { reportToJson } from '../report/json-report.js';
import { exportHuntQuery } from '../query/export-query.js';
import { setVerdicts, VerdictError } from '../store/verdicts.js';
import { coverageRanges } from '../hunt/coverage.js';
import { hashKey } from '../normalize/values.js';
import type { Verdict } from '../model/hunt.js';
import { LONGTAIL_VERSION } from '../version.js';
import { ApiError, type ApiArgs, type ApiName, type RecentCase, type Results } from './contract.js';
import { caseInfo, importLog } from './case-summary.js';
import { instanceDetail } from './detail.js';
import { fleetDays } from './fleet.js';
import { listDir } from './fs-list.js';
import { rawRecord } from './raw-record.js';

export interface SessionOptions {
  mode: 'electron' | 'browser';
  /** Where the recent-cases list lives (the app's config folder); null keeps it in memory. */
  recentFile: string | null;
}

/** The handlers a Session runs itself; import.start/cancel belong to the host. */
export type SessionName = Exclude<ApiName, 'import.start' | 'import.cancel' | 'import.status'>;

const RECENT_MAX = 12;

/** How long a user's edit waits for an import's file to be stored before saying so. */
export const SESSION_BUSY_MS = 3000;

export class Session {
  private db: Db | null = null;
  private casePath: string | null = null;
  private recent: RecentCase[] = [];

  constructor(private readonly options: SessionOptions) {
    if (options.recentFile && fs.existsSync(options.recentFile)) {
      try {
        const parsed: unknown = JSON.parse(fs.readFileSync(options.recentFile, 'utf8'));
        if (Array.isArray(parsed)) {
          this.recent = parsed.filter(
            (r): r is RecentCase => typeof r === 'object' && r !== null && typeof (r as RecentCase).path === 'string',
          );
        }
      } catch {
        this.recent = []; // a damaged list is not worth failing the app for
      }
    }
  }

  get currentCase(): string | null {
    return this.casePath;
  }

  private requireDb(): Db {
    if (!this.db) throw new ApiError('no-case', 'no case is open: create or open one first');
    return this.db;
  }

  private remember(p: string): void {
    this.recent = [{ path: p, openedAt: new Date().toISOString() }, ...this.recent.filter((r) => r.path !== p)].slice(0, RECENT_MAX);
    if (this.options.recentFile) {
      fs.mkdirSync(path.dirname(this.options.recentFile), { recursive: true });
      fs.writeFileSync(this.options.recentFile, JSON.stringify(this.recent, null, 2));
    }
  }

  private open(p: string, create: boolean): Results['case.open'] {
    const full = path.resolve(p);
    if (create && fs.existsSync(full)) throw new ApiError('bad-request', `${full} already exists`);
    const opened = openCase(full, { create });
    opened.db.pragma(`busy_timeout = ${SESSION_BUSY_MS}`);
    this.close();
    this.db = opened.db;
    this.casePath = full;
    this.remember(full);
    return caseInfo(opened.db, full);
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.casePath = null;
  }

  handle<K extends SessionName>(name: K, args: ApiArgs<K>): Results[K] {
    try {
      return this.dispatch(name, args) as Results[K];
    } catch (err) {
      // An import holds the case's write lock for the whole of the file (or group of small
      // files) it stores: an edit meanwhile waits SESSION_BUSY_MS, then says why.
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new ApiError('busy', 'the case is busy: an import is storing a file in it. Try again when that file is done, or cancel the import');
      }
      throw err;
    }
  }

  private dispatch(name: SessionName, a: unknown): unknown {
    switch (name) {
      case 'app.info':
        return { version: LONGTAIL_VERSION, mode: this.options.mode, platform: process.platform };
      case 'case.create':
        return this.open((a as ApiArgs<'case.create'>).path, true);
      case 'case.open':
        return this.open((a as ApiArgs<'case.open'>).path, false);
      case 'case.close':
        this.close();
        return null;
      case 'case.recent':
        return this.recent;
      case 'case.info':
        return this.db && this.casePath ? caseInfo(this.db, this.casePath) : null;
      case 'import.log':
        return importLog(this.requireDb());
      case 'hunt.run':
        return runHunt(this.requireDb(), (a as ApiArgs<'hunt.run'>).params, { caseFile: this.casePath, enrich: false });
      case 'hunt.detail': {
        const { instanceId, window, minCoveredHosts } = a as ApiArgs<'hunt.detail'>;
        return instanceDetail(this.requireDb(), instanceId, window, minCoveredHosts);
      }
      case 'hunt.fleet':
        return fleetDays(this.requireDb(), (a as ApiArgs<'hunt.fleet'>).params);
      case 'hunt.export':
        return this.exportReport(a as ApiArgs<'hunt.export'>);
      case 'hunt.query':
        return this.exportQuery(a as ApiArgs<'hunt.query'>);
      case 'verdict.set': {
        const { instanceIds, verdict, note } = a as ApiArgs<'verdict.set'>;
        return this.setVerdicts(instanceIds, verdict, note ?? null);
      }
      case 'verdict.benignAllow':
        return this.benignAllow(a as ApiArgs<'verdict.benignAllow'>);
      case 'coverage.list':
        return coverageRanges(this.requireDb());
      case 'allowlist.list':
        return listAllowlist(this.requireDb());
      case 'allowlist.add':
        return addAllowEntry(this.requireDb(), (a as ApiArgs<'allowlist.add'>).entry);
      case 'allowlist.update':
        updateAllowEntry(this.requireDb(), (a as ApiArgs<'allowlist.update'>).entry);
        return null;
      case 'allowlist.delete':
        deleteAllowEntry(this.requireDb(), (a as ApiArgs<'allowlist.delete'>).id);
        return null;
      case 'allowlist.reset':
        resetAllowlist(this.requireDb());
        return listAllowlist(this.requireDb());
      case 'allowlist.import': {
        const { text, replace } = a as ApiArgs<'allowlist.import'>;
        const db = this.requireDb();
        const entries = parseAllowlist(text, 'imported allowlist');
        if (replace) replaceAllowlist(db, entries);
        else db.transaction(() => entries.forEach((e) => addAllowEntry(db, e)))();
        return listAllowlist(db);
      }
      case 'allowlist.export': {
        const { format, path: out } = a as ApiArgs<'allowlist.export'>;
        const entries = listAllowlist(this.requireDb());
        const text = format === 'csv' ? allowlistToCsv(entries) : allowlistToJson(entries);
        if (!out) return { text, path: null };
        const full = path.resolve(out);
        fs.writeFileSync(full, text);
        return { text, path: full };
      }
      case 'rules.list':
        return listPathRules(this.requireDb());
      case 'rules.replace': {
        const { rules } = a as ApiArgs<'rules.replace'>;
        compilePathRules(rules); // refuse an invalid regular expression before storing it
        replacePathRules(this.requireDb(), rules);
        return listPathRules(this.requireDb());
      }
      case 'rules.reset':
        resetPathRules(this.requireDb());
        return listPathRules(this.requireDb());
      case 'rules.preview':
        return this.previewRules(a as ApiArgs<'rules.preview'>);
      case 'fs.list':
        return listDir((a as ApiArgs<'fs.list'>).dir);
      case 'record.raw': {
        const { table, id } = a as ApiArgs<'record.raw'>;
        return rawRecord(this.requireDb(), table, id);
      }
    }
  }

  /** Before/after path keys for the case's service process paths, most frequent first. */
  private previewRules({ rules, limit }: ApiArgs<'rules.preview'>): Results['rules.preview'] {
    const db = this.requireDb();
    const before = compilePathRules(listPathRules(db));
    const after = compilePathRules(rules);
    const paths = db
      .prepare(
        `SELECT e.path, count(*) AS n FROM instance i JOIN process_event e ON e.id = i.event_id
          WHERE i.is_service = 1 AND e.path IS NOT NULL GROUP BY e.path ORDER BY n DESC, e.path LIMIT ?`,
      )
      .all(limit) as Array<{ path: string }>;
    return paths.map((p) => ({ path: p.path, before: before.apply(p.path), after: after.apply(p.path) }));
  }

  private setVerdicts(instanceIds: number[], verdict: Verdict, note: string | null): Results['verdict.set'] {
    try {
      const stored = setVerdicts(this.requireDb(), { instanceIds, verdict, note });
      return { instanceIds: [...new Set(instanceIds)], verdict, ...stored };
    } catch (err) {
      if (err instanceof VerdictError) throw new ApiError('not-found', err.message);
      throw err;
    }
  }

  /**
   * "Benign, and allowlist it": the verdict and an allowlist entry for what makes the
   * instance recognizable (its name, hash or normalized path; on its host or everywhere),
   * in one transaction. The entry's reason says who judged it benign, and why.
   */
  private benignAllow({ instanceId, by, hostOnly, note }: ApiArgs<'verdict.benignAllow'>): Results['verdict.benignAllow'] {
    const db = this.requireDb();
    const inst = db
      .prepare(
        `SELECT h.key AS host, coalesce(i.name_lc, lower(e.name)) AS name, i.path, i.sha256, i.sha1, i.md5
           FROM instance i JOIN host h ON h.id = i.host_id JOIN process_event e ON e.id = i.event_id WHERE i.proc_id = ?`,
      )
      .get(instanceId) as { host: string; name: string | null; path: string | null; sha256: string | null; sha1: string | null; md5: string | null } | undefined;
    if (!inst) throw new ApiError('not-found', `no service process instance ${instanceId} in this case (run the hunt again?)`);
    const value =
      by === 'name' ? inst.name :
      by === 'hash' ? hashKey({ sha256: inst.sha256, sha1: inst.sha1, md5: inst.md5 }) :
      inst.path === null ? null : compilePathRules(listPathRules(db)).apply(inst.path);
    if (value === null) throw new ApiError('bad-request', `instance ${instanceId} has no ${by === 'path' ? 'path' : by} to allowlist`);
    let result: Results['verdict.benignAllow'] | null = null;
    db.transaction(() => {
      const change = this.setVerdicts([instanceId], 'benign', note ?? null);
      const why = change.notes[instanceId] ? `: ${change.notes[instanceId]}` : '';
      const entry = addAllowEntry(db, {
        kind: by, value, hosts: hostOnly ? [inst.host] : null, enabled: true,
        reason: `Benign (verdict by ${change.by}, ${change.at.slice(0, 10)})${why}`.slice(0, 4096),
      });
      result = { ...change, entry };
    })();
    return result!;
  }

  /** The hunt as configured, as KQL or ES|QL, with the case's lists unless params override them. */
  private exportQuery({ params, dialect, target, path: out }: ApiArgs<'hunt.query'>): Results['hunt.query'] {
    const db = this.requireDb();
    const q = exportHuntQuery({
      params, dialect, ...(target && dialect === 'kql' ? { target } : {}),
      allowlist: params.allowlist ?? listAllowlist(db),
      pathRules: params.pathRules ?? listPathRules(db),
      caseFile: this.casePath,
    });
    if (!out) return { ...q, path: null };
    const full = path.resolve(out);
    fs.writeFileSync(full, q.text);
    return { ...q, path: full };
  }

  private exportReport({ params, instanceIds, format, path: out }: ApiArgs<'hunt.export'>): Results['hunt.export'] {
    const db = this.requireDb();
    const report = runHunt(db, params, { caseFile: this.casePath, enrich: false });
    if (instanceIds) {
      const keep = new Set(instanceIds);
      report.rows = report.rows.filter((r) => keep.has(r.instanceId));
    }
    // Only the exported rows are enriched: the UI's filter may keep a few of many.
    enrichRows(db, report.rows, windowBounds(params.window, report.parameters.window.newest), true);
    const full = path.resolve(out);
    fs.writeFileSync(full, format === 'csv' ? reportToCsv(report) : reportToJson(report));
    return { path: full, rows: report.rows.length };
  }
}
