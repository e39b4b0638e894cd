// The results table alone, over 100,000 synthetic rows: the e2e suite checks it scrolls,
// sorts and filters at that size (built only by the tests, never shipped).
import { StrictMode, useDeferredValue, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ReportRow, Verdict } from '../../../src-core/model/hunt.js';
import { ResultsTable } from '../../../renderer/src/screens/ResultsTable.js';
import { NO_FILTER, filterRows, sortRows, type SortSpec, type TableFilter } from '../../../renderer/src/lib/table.js';
import { NO_SELECTION, selectOne, type Selection } from '../../../renderer/src/lib/selection.js';
import { applyVerdictChange } from '../../../renderer/src/lib/verdicts.js';
import '../../../renderer/src/styles.css';

const N = Number(new URLSearchParams(location.search).get('rows') ?? 100_000);

function makeRows(n: number): ReportRow[] {
  const rows: ReportRow[] = [];
  for (let i = 0; i < n; i++) {
    const host = `host-${String(i % 997).padStart(4, '0')}`;
    const name = `svc${(i * 7919) % 50_021}.exe`;
    const path = `C:\\Program Files\\Vendor ${i % 313}\\${name}`;
    const t = new Date(Date.UTC(2026, 9, 1) + i * 17_000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
    rows.push({
      instanceId: i + 1, host, hostName: host.toUpperCase(), name, path, commandLine: `"${path}" --run ${i}`, user: i % 3 ? 'NT AUTHORITY\\SYSTEM' : 'CONTOSO\\svc_backup',
      pid: 1000 + (i % 60_000), startTime: t, hash: `sha256:${(i * 2654435761 >>> 0).toString(16).padStart(64, '0')}`,
      hashes: { sha256: (i * 2654435761 >>> 0).toString(16).padStart(64, '0'), sha1: null, md5: null },
      signature: i % 5 === 0 ? 'untrusted' : 'unknown', signer: null, binaryHosts: 1 + (i % 3), pathKey: path.toLowerCase(), pathHosts: 1 + (i % 4),
      launchesOnHost: i % 9, rareBy: i % 2 ? ['binary', 'path'] : ['host'], children: [], childCommandLines: [], remoteIps: [], remotePorts: [],
      remoteNames: [], files: [], fileDetails: [], dlls: [], dllDetails: [], serviceInstall: null, firstSeen: t, lastSeen: t, sources: [], flags: [],
      counts: { children: i % 9, remoteIps: i % 4, files: (i * 3) % 11, dlls: (i * 5) % 37 },
      coveredHosts: 1 + (i % 997), thinCoverage: 1 + (i % 997) < 3,
      verdict: (['unreviewed', 'unreviewed', 'unreviewed', 'benign', 'suspicious', 'malicious'] as const)[i % 6]!,
      note: i % 10 === 0 ? `checked, ticket ${i}` : '', verdictBy: i % 6 >= 3 ? 'analyst' : null, verdictAt: i % 6 >= 3 ? t : null,
    });
  }
  return rows;
}

const ROWS = makeRows(N);

function Bench() {
  const [rows, setRows] = useState<readonly ReportRow[]>(ROWS);
  const [filter, setFilter] = useState<TableFilter>(NO_FILTER);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [opened, setOpened] = useState<number | null>(null);
  const deferred = useDeferredValue(filter);
  const view = useMemo(() => sortRows(filterRows(rows, deferred), sort), [rows, deferred, sort]);
  // Verdict keys as the app applies them (no core here: the change is made up).
  const onVerdict = (ids: number[], verdict: Verdict) =>
    setRows((cur) => applyVerdictChange(cur, { instanceIds: ids, verdict, notes: {}, by: 'bench', at: '2026-11-01T00:00:00Z' }));
  return (
    <div className="screen hunt" style={{ height: '100vh' }}>
      <div className="filter-bar">
        <input type="search" aria-label="Search all columns" value={filter.global} onChange={(e) => setFilter({ ...filter, global: e.target.value })} />
        <span className="row-count" data-testid="row-count"><b>{view.length}</b> of {rows.length} rows</span>
        <span data-testid="opened">{opened ?? ''}</span>
        <span data-testid="selected">{selection.selected.size}</span>
      </div>
      <div className="results">
        <ResultsTable
          rows={view} total={rows.length} filter={filter} onFilter={setFilter} sort={sort} onSort={setSort}
          selection={selection} onSelection={setSelection} openId={opened} onVerdict={onVerdict}
          onOpen={(id) => { setSelection(selectOne(id)); setOpened(id); }}
        />
      </div>
    </div>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><Bench /></StrictMode>);
