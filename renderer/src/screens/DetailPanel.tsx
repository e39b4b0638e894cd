// The opened row: its verdict and note, why it is rare (and over how many covered
// hosts), every enrichment set (children, network, files, DLLs), the service install,
// hashes, flags, the input files it came from, and its own records.
import { useState, type ReactNode } from 'react';
import type { InstanceDetail, RawRecord, RecordRef } from '../../../src-core/api/contract.js';
import type { AllowKind, ReportRow } from '../../../src-core/model/hunt.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import type { DetailState } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { Badge, signatureTone } from '../components/ui.js';
import { Modal } from '../components/Modal.js';
import { baseName, count, day, fullTime, plural } from '../lib/format.js';
import { MEASURE_LABELS } from '../lib/hunt-form.js';
import { VerdictPanel } from './VerdictPanel.js';

const LIST_MAX = 200;

export interface DetailPanelProps {
  /** The table's row (it carries the measures; the detail's row carries the sets). */
  row: ReportRow | null;
  detail: DetailState;
  /** The run's threshold, for the thin-coverage explanation. */
  minCoveredHosts: number;
  onClose(): void;
  onTimeline(): void;
  onAllowlist(kind: AllowKind, value: string, row: ReportRow): void;
}

function Section({ title, n, children, open = true }: { title: string; n?: number; children: ReactNode; open?: boolean }) {
  return (
    <details className="d-section" open={open}>
      <summary>
        <h3>{title}{n !== undefined ? <span className="muted"> ({count(n)})</span> : null}</h3>
      </summary>
      <div className="d-body">{children}</div>
    </details>
  );
}

function LongList<T>({ items, render, empty }: { items: readonly T[]; render(item: T, i: number): ReactNode; empty: string }) {
  const [all, setAll] = useState(false);
  if (!items.length) return <p className="muted small">{empty}</p>;
  const shown = all ? items : items.slice(0, LIST_MAX);
  return (
    <>
      <ul className="d-list">{shown.map((it, i) => <li key={i}>{render(it, i)}</li>)}</ul>
      {items.length > LIST_MAX && !all ? (
        <button type="button" className="link small" onClick={() => setAll(true)}>Show all {count(items.length)}</button>
      ) : null}
    </>
  );
}

export function DetailPanel({ row, detail, minCoveredHosts, onClose, onTimeline, onAllowlist }: DetailPanelProps) {
  const d = detail.data;
  const r = d?.row ?? row;
  // The table's row carries the measures and the verdict as last stored.
  const m = row ?? r;
  const title = r ? r.name ?? (r.path ? baseName(r.path) : 'service process') : 'service process';
  return (
    <aside className="detail" aria-label="Selected service process" aria-busy={detail.loading}>
      <header className="detail-head">
        <div className="detail-title">
          <h2><SafeText value={title} oneLine /></h2>
          <div className="muted small">
            on <SafeText value={r?.hostName ?? r?.host} oneLine /> · started {fullTime(r?.startTime)}
          </div>
          {m?.thinCoverage ? (
            <div><Badge tone="warn" title={`Fewer than ${minCoveredHosts} hosts logged process starts that day`}>⚠ thin coverage: {plural(m.coveredHosts, 'covered host')}</Badge></div>
          ) : null}
        </div>
        <button type="button" className="icon" aria-label="Close the detail" onClick={onClose}>×</button>
      </header>
      {r ? (
        <div className="detail-actions">
          <button type="button" onClick={onTimeline}>Show timeline</button>
          <AllowMenu row={r} onAllowlist={onAllowlist} />
        </div>
      ) : null}
      <div className="detail-scroll">
        {detail.error ? <p className="error" role="alert"><SafeText value={detail.error} /></p> : null}
        {detail.loading && !d ? <p className="muted">Reading its activity…</p> : null}
        {m ? (
          <Section title="Verdict">
            <VerdictPanel key={m.instanceId} row={m} />
          </Section>
        ) : null}
        {r ? <Overview r={r} measures={row} minCoveredHosts={minCoveredHosts} /> : null}
        {d ? <Enrichment d={d} /> : null}
      </div>
    </aside>
  );
}

function AllowMenu({ row, onAllowlist }: { row: ReportRow; onAllowlist: DetailPanelProps['onAllowlist'] }) {
  const options: Array<{ kind: AllowKind; value: string | null; label: string }> = [
    { kind: 'name', value: row.name, label: 'by name' },
    { kind: 'path', value: row.path, label: 'by path' },
    { kind: 'hash', value: row.hash, label: 'by hash' },
  ];
  return (
    <div className="allow-menu" role="group" aria-label="Allowlist this service process">
      <span className="label">Allowlist</span>
      {options.map((o) => (
        <button key={o.kind} type="button" disabled={!o.value} onClick={() => o.value && onAllowlist(o.kind, o.value, row)}
          title={o.value ? `Leave out every service process with this ${o.kind}` : `No ${o.kind} known`}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

function KV({ k, children }: { k: string; children: ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** "seen on 1 host · 1 of 12 covered hosts" */
function seenOn(n: number, covered: number): string {
  return `seen on ${plural(n, 'host')} · ${count(n)} of ${plural(covered, 'covered host')}`;
}

function Overview({ r, measures, minCoveredHosts }: { r: ReportRow; measures: ReportRow | null; minCoveredHosts: number }) {
  const m = measures ?? r;
  const { go } = useApp();
  return (
    <>
      {/* Why it is rare first: with the verdict above it, what a responder judges by. */}
      <Section title="Why it is rare">
        <dl className="kv">
          <KV k="Rare by">{m.rareBy.length ? m.rareBy.map((x) => <span key={x} className={`tag rare-${x}`} title={MEASURE_LABELS[x].help}>{MEASURE_LABELS[x].label}</span>) : '—'}</KV>
          <KV k="Binary">{m.binaryHosts === null ? 'no hash known' : seenOn(m.binaryHosts, m.coveredHosts)} <span className="muted mono small wrap">{m.hash ?? ''}</span></KV>
          <KV k="Path">{m.pathHosts === null ? 'no path known' : seenOn(m.pathHosts, m.coveredHosts)} <SafeText value={m.pathKey} className="muted mono small wrap" empty="" /></KV>
          <KV k="Child launches">{count(m.launchesOnHost)} on this host for this service name</KV>
          <KV k="Coverage">
            <span data-testid="coverage-line">{plural(m.coveredHosts, 'host')} logged process starts on {day(m.startTime)} (UTC)</span>
          </KV>
        </dl>
        {m.thinCoverage ? (
          <p className="note small" role="note" data-testid="thin-coverage">
            <b>Thin coverage.</b> Fewer than {plural(minCoveredHosts, 'host')} had process-start logs that day, so “seen on few hosts”
            says little: it may run on hosts whose logs were not collected.{' '}
            <button type="button" className="link" onClick={() => go('import')}>See the coverage by day and host</button>
          </p>
        ) : null}
      </Section>
      <Section title="Process">
        <dl className="kv">
          <KV k="Path"><SafeText value={r.path} className="mono wrap" /></KV>
          <KV k="Command line"><SafeText value={r.commandLine} className="mono wrap" /></KV>
          <KV k="User"><SafeText value={r.user} /></KV>
          <KV k="PID">{r.pid ?? '—'}</KV>
          <KV k="Host"><SafeText value={r.host} oneLine /> {r.hostName !== r.host ? <span className="muted">(<SafeText value={r.hostName} oneLine />)</span> : null}</KV>
          <KV k="Signature">
            <Badge tone={signatureTone(r.signature)}>{r.signature}</Badge> <SafeText value={r.signer} empty="" />
          </KV>
          <KV k="SHA-256"><span className="mono wrap">{r.hashes.sha256 ?? '—'}</span></KV>
          {r.hashes.sha1 ? <KV k="SHA-1"><span className="mono wrap">{r.hashes.sha1}</span></KV> : null}
          {r.hashes.md5 ? <KV k="MD5"><span className="mono wrap">{r.hashes.md5}</span></KV> : null}
          <KV k="First seen">{fullTime(r.firstSeen)}</KV>
          <KV k="Last seen">{fullTime(r.lastSeen)}</KV>
          {r.flags.length ? <KV k="Flags">{r.flags.map((f, i) => <Badge key={i} tone="warn"><SafeText value={f} oneLine /></Badge>)}</KV> : null}
        </dl>
      </Section>
      <Section title="Service install" open={r.serviceInstall !== null}>
        {r.serviceInstall ? (
          <dl className="kv">
            <KV k="Service"><SafeText value={r.serviceInstall.serviceName} /></KV>
            <KV k="Image path"><SafeText value={r.serviceInstall.imagePath} className="mono wrap" /></KV>
            <KV k="Account"><SafeText value={r.serviceInstall.account} /></KV>
            <KV k="Start type"><SafeText value={r.serviceInstall.startType} /></KV>
            <KV k="Service type"><SafeText value={r.serviceInstall.serviceType} /></KV>
            <KV k="Installed">{fullTime(r.serviceInstall.time)} <span className="muted">({r.serviceInstall.source})</span></KV>
          </dl>
        ) : <p className="muted small">No service install found for this path on this host.</p>}
      </Section>
    </>
  );
}

function Enrichment({ d }: { d: InstanceDetail }) {
  const r = d.row;
  const unsigned = r.dllDetails.filter((x) => x.signed === false || x.signature === 'untrusted').length;
  return (
    <>
      <Section title="Child processes" n={r.children.length}>
        <LongList items={r.children} empty="No child processes." render={(c) => <SafeText value={c} className="mono" />} />
        {r.childCommandLines.length ? (
          <>
            <h4>Command lines ({count(r.childCommandLines.length)})</h4>
            <LongList items={r.childCommandLines} empty="" render={(c) => <SafeText value={c} className="mono wrap" />} />
          </>
        ) : null}
      </Section>
      <Section title="Network" n={r.remoteIps.length + r.remoteNames.length}>
        {r.remoteIps.length + r.remoteNames.length + r.remotePorts.length === 0 ? <p className="muted small">No network activity.</p> : (
          <dl className="kv">
            <KV k="Remote IPs"><LongList items={r.remoteIps} empty="—" render={(x) => <SafeText value={x} className="mono" />} /></KV>
            <KV k="Ports">{r.remotePorts.length ? r.remotePorts.join(', ') : '—'}</KV>
            <KV k="Names / URLs"><LongList items={r.remoteNames} empty="—" render={(x) => <SafeText value={x} className="mono wrap" />} /></KV>
          </dl>
        )}
      </Section>
      <Section title="Files" n={r.fileDetails.length}>
        <LongList items={r.fileDetails} empty="No file activity." render={(f) => (
          <div className="file-line">
            <SafeText value={f.path} className="mono wrap" />
            <span className="muted small"> {f.action ? <SafeText value={f.action} oneLine /> : null}</span>
            {f.hash ? <div className="mono small muted wrap">{f.hash}</div> : null}
          </div>
        )} />
      </Section>
      <Section title="DLLs loaded" n={r.dllDetails.length}>
        {unsigned ? <p className="warn-text small">{unsigned} not signed or untrusted (highlighted).</p> : null}
        <LongList items={r.dllDetails} empty="No DLL loads recorded." render={(x) => {
          const bad = x.signed === false || x.signature === 'untrusted';
          return (
            <div className={`dll-line ${bad ? 'unsigned' : ''}`}>
              <SafeText value={x.path} className="mono wrap" />{' '}
              <Badge tone={x.signed === true && x.signature !== 'untrusted' ? 'ok' : bad ? 'bad' : 'muted'}>
                {x.signed === true ? 'signed' : x.signed === false ? 'not signed' : 'signing unknown'}{x.signature !== 'unknown' ? `, ${x.signature}` : ''}
              </Badge>
              {x.signer ? <span className="muted small"> <SafeText value={x.signer} oneLine /></span> : null}
              {x.hash ? <div className="mono small muted wrap">{x.hash}</div> : null}
            </div>
          );
        }} />
      </Section>
      <Section title="Sources" n={r.sources.length}>
        <LongList items={r.sources} empty="—" render={(s) => <SafeText value={s} className="mono wrap small" />} />
      </Section>
      <Section title="Records" n={d.records.length} open={false}>
        <p className="muted small">This process's own start records; each can be re-read from its input file (checked against its SHA-256).</p>
        <LongList items={d.records} empty="—" render={(rec) => <RecordLine rec={rec} />} />
      </Section>
      {d.truncated.length ? <p className="warn-text small">The timeline shows only the first events of: {d.truncated.join(', ')}.</p> : null}
    </>
  );
}

function RecordLine({ rec }: { rec: RecordRef }) {
  const { bridge } = useApp();
  const [raw, setRaw] = useState<RawRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const show = async () => {
    setOpen(true);
    if (raw) return;
    try {
      setRaw(await bridge.call('record.raw', { table: rec.table, id: rec.id }));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="record-line">
      <span className="mono small">{rec.source}</span> <SafeText value={rec.ref} oneLine className="small" />{' '}
      <span className="muted small"><SafeText value={baseName(rec.file)} oneLine tooltip /></span>{' '}
      <button type="button" className="link small" onClick={() => void show()}>raw record</button>
      {open ? (
        <Modal title={`Record ${rec.ref}`} onClose={() => setOpen(false)} wide>
          {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
          {raw ? (
            <>
              <dl className="kv">
                <KV k="File"><SafeText value={raw.file} className="mono wrap" /></KV>
                <KV k="SHA-256"><span className="mono wrap">{raw.sha256}</span></KV>
                <KV k="Format">{raw.format ?? '—'}</KV>
              </dl>
              {raw.text !== null ? <pre className="raw"><SafeText value={raw.text} /></pre> : <p className="warn-text"><SafeText value={raw.unavailable} /></p>}
            </>
          ) : error ? null : <p className="muted">Reading…</p>}
        </Modal>
      ) : null}
    </div>
  );
}
