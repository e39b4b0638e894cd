// Process-start coverage (issue 13), on the Import screen: per day, how many hosts logged
// process starts, by source; and per host, a strip over the case's days where a hole in
// its logs shows. Rarity is measured over covered hosts only, so this is what tells
// whether "seen on one host" can be trusted, right where more data can be added.
import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CoverageRange } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { SafeText } from '../components/SafeText.js';
import { Badge } from '../components/ui.js';
import { count, plural } from '../lib/format.js';
import { COVERAGE_KINDS, KIND_LABELS, coverageDays, hostCoverage, spanPlace, spanText, type CoverageDay, type HostCoverage } from '../lib/coverage.js';
import { usePalette } from '../lib/theme.js';

const HOSTS_SHOWN = 40;

/** `10-03–10-04` (the strip's header gives the year). */
function shortSpan(s: { from: string; to: string }): string {
  return s.from === s.to ? s.from.slice(5) : `${s.from.slice(5)}–${s.to.slice(5)}`;
}
const STACK = [...COVERAGE_KINDS, 'several'] as const;
const STACK_LABELS: Record<(typeof STACK)[number], string> = { ...KIND_LABELS, several: 'More than one source' };

function DayTip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) {
  const d = active ? (payload?.[0]?.payload as CoverageDay | undefined) : undefined;
  if (!d) return null;
  return (
    <div className="chart-tip">
      <div className="tip-head">{d.day}</div>
      <div>{plural(d.hosts, 'host')} with process starts</div>
      {COVERAGE_KINDS.filter((k) => d.byKind[k] > 0).map((k) => (
        <div key={k} className="muted">{KIND_LABELS[k]}: {plural(d.byKind[k], 'host')}</div>
      ))}
    </div>
  );
}

export function CoverageCard({ version }: { version: number }) {
  const { bridge, caseInfo } = useApp();
  const pal = usePalette();
  const [ranges, setRanges] = useState<CoverageRange[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [allHosts, setAllHosts] = useState(false);

  useEffect(() => {
    let live = true;
    setError(null);
    bridge.call('coverage.list', {}).then((r) => live && setRanges(r), (err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [bridge, version]);

  const days = useMemo(() => coverageDays(ranges ?? []), [ranges]);
  const hosts = useMemo(() => hostCoverage(ranges ?? []), [ranges]);
  const caseHosts = caseInfo?.hosts.length ?? 0;
  // Only the segments drawn: a source always logged beside another (Security 4688 next to
  // Sysmon) has none of its own, and a legend entry with no colour on the chart misleads.
  const stackUsed = useMemo(() => STACK.filter((k) => days.some((d) => d[k] > 0)), [days]);
  const withGaps = hosts.filter((h) => h.gapDays > 0).length;
  const thinnest = days.reduce<CoverageDay | null>((a, d) => (a === null || d.hosts < a.hosts ? d : a), null);
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  const shownHosts = allHosts ? hosts : hosts.slice(0, HOSTS_SHOWN);

  return (
    <section className="chart-card coverage-card" aria-labelledby="coverage-h">
      <h2 id="coverage-h">Process-start coverage</h2>
      <p className="muted small">
        Rarity is counted over the hosts that logged process starts (Sysmon 1, Security 4688, Defender or Elastic process events) that day.
        A day with few such hosts, or a host with a hole in its logs, makes “seen on one host” weaker.
      </p>
      {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      {ranges && ranges.length === 0 ? (
        <p className="muted" data-testid="coverage-empty">No process starts in this case yet, so there is no coverage to show. Import Sysmon, Security, Defender or Elastic process events.</p>
      ) : null}
      {days.length ? (
        <>
          <p className="small" data-testid="coverage-figures">
            {plural(hosts.length, 'host')} with process starts{caseHosts > hosts.length ? ` of ${plural(caseHosts, 'host')} in the case` : ''} · {first} to {last}
            {thinnest ? <> · fewest: {plural(thinnest.hosts, 'host')} on {thinnest.day}</> : null}
            {withGaps ? <> · <span className="warn-text">{plural(withGaps, 'host')} with gaps</span></> : null}
          </p>
          <ul className="lane-legend" aria-label="Sources">
            {stackUsed.map((k) => (
              <li key={k}><span className="swatch square" style={{ background: pal.coverage[k] }} aria-hidden="true" /> {STACK_LABELS[k]}</li>
            ))}
            {caseHosts ? <li><span className="swatch line" style={{ borderColor: pal.muted }} aria-hidden="true" /> Hosts in the case ({count(caseHosts)})</li> : null}
          </ul>
          <div
            className="chart"
            data-testid="coverage-chart"
            role="img"
            aria-label={`Hosts with process-start coverage per day, ${first} to ${last}${thinnest ? `; fewest ${thinnest.hosts} on ${thinnest.day}` : ''}; each host counted once a day`}
          >
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={days} margin={{ top: 14, right: 24, bottom: 4, left: 8 }} barCategoryGap={1}>
                <CartesianGrid stroke={pal.grid} strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="day" stroke={pal.muted} tick={{ fill: pal.muted, fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
                <YAxis stroke={pal.muted} tick={{ fill: pal.muted, fontSize: 11 }} allowDecimals={false} width={40} domain={[0, (max: number) => Math.max(max, caseHosts)]} />
                <Tooltip content={<DayTip />} cursor={{ fill: pal.panel }} isAnimationActive={false} />
                {stackUsed.map((k) => (
                  <Bar key={k} dataKey={k} stackId="hosts" name={STACK_LABELS[k]} fill={pal.coverage[k]} isAnimationActive={false} />
                ))}
                {caseHosts ? <ReferenceLine y={caseHosts} stroke={pal.muted} strokeDasharray="4 3" ifOverflow="extendDomain" /> : null}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <h3 className="coverage-hosts-h">By host <span className="muted small">(hosts with gaps first; a hatched stretch is a day with no process starts between its first and last)</span></h3>
          <div className="table-wrap">
            <table className="plain coverage-hosts" data-testid="coverage-hosts">
              <caption className="sr-only">Process-start coverage by host</caption>
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">Sources</th>
                  <th scope="col" className="strip-col">{first} → {last}</th>
                  <th scope="col" className="num">Days covered</th>
                  <th scope="col">Gaps</th>
                </tr>
              </thead>
              <tbody>
                {shownHosts.map((h) => <HostRow key={h.host} h={h} from={first} to={last} />)}
              </tbody>
            </table>
          </div>
          {hosts.length > HOSTS_SHOWN && !allHosts ? (
            <button type="button" className="link small" onClick={() => setAllHosts(true)}>Show all {count(hosts.length)} hosts</button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function HostRow({ h, from, to }: { h: HostCoverage; from: string; to: string }) {
  const label = `Covered ${h.spans.map(spanText).join(', ')}${h.gaps.length ? `; no process starts ${h.gaps.map(spanText).join(', ')}` : ''}`;
  return (
    <tr className={h.gapDays ? 'has-gap' : ''}>
      <td className="nowrap"><SafeText value={h.host} oneLine /></td>
      <td className="nowrap small">{h.kinds.map((k) => KIND_LABELS[k]).join(', ')}</td>
      <td className="strip-col">
        <div className="strip" role="img" aria-label={label} title={label}>
          {h.spans.map((s) => {
            const p = spanPlace(s, from, to);
            return <span key={s.from} className="strip-on" style={{ left: `${p.left * 100}%`, width: `${p.width * 100}%` }} />;
          })}
          {h.gaps.map((g) => {
            const p = spanPlace(g, from, to);
            return <span key={`g${g.from}`} className="strip-gap" style={{ left: `${p.left * 100}%`, width: `${p.width * 100}%` }} />;
          })}
        </div>
      </td>
      <td className="num">{count(h.coveredDays)}</td>
      <td className="small nowrap" title={h.gaps.length ? h.gaps.map(spanText).join(', ') : undefined}>
        {h.gapDays ? <Badge tone="warn">{plural(h.gapDays, 'day')}</Badge> : <span className="muted">none</span>}
        {h.gaps.length ? <span className="muted"> {h.gaps.slice(0, 2).map(shortSpan).join(', ')}{h.gaps.length > 2 ? ', …' : ''}</span> : null}
      </td>
    </tr>
  );
}
