// Timeline: the opened service process's activity along time, one lane per kind
// (install, start, children, network, files, DLLs, end), with a brush to zoom; and the
// fleet view: service launches per day across hosts, the rare ones highlighted.
import { useEffect, useMemo, useState } from 'react';
import {
  Bar, BarChart, Brush, CartesianGrid, Cell, ComposedChart, LabelList, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis,
} from 'recharts';
import type { FleetDay } from '../../../src-core/api/contract.js';
import { errorText } from '../bridge/index.js';
import { useApp } from '../state/app.js';
import { useHunt } from '../state/hunt.js';
import { SafeText } from '../components/SafeText.js';
import { Empty, ScreenHead } from '../components/ui.js';
import { count, fullTime, shortTime } from '../lib/format.js';
import { huntParams } from '../lib/hunt-form.js';
import { LANES, LANE_LABELS, fleetTotals, timeTick, timelinePoints, type FleetDayTotal, type TimelinePoint } from '../lib/timeline.js';
import { usePalette } from '../lib/theme.js';

export function TimelineScreen() {
  const hunt = useHunt();
  const { go } = useApp();
  const d = hunt.detail;
  const row = d?.data?.row ?? null;
  return (
    <div className="screen timeline">
      <ScreenHead title="Timeline" />
      <div className="scroll">
        <section aria-labelledby="tl-h" className="chart-card">
          <h2 id="tl-h">
            {row ? (
              <>
                <SafeText value={row.name ?? row.path} oneLine /> <span className="muted">on <SafeText value={row.host} oneLine /> · started {fullTime(row.startTime)}</span>
              </>
            ) : 'Service process activity'}
          </h2>
          {!d ? (
            <Empty title="No service process opened">
              <p>Open a row in <button type="button" className="link" onClick={() => go('hunt')}>Hunt</button> to see what it did along time.</p>
            </Empty>
          ) : d.loading && !d.data ? <p className="muted">Reading its activity…</p> : d.error ? <p className="error" role="alert"><SafeText value={d.error} /></p> : d.data ? (
            <ProcessTimeline key={d.id} />
          ) : null}
        </section>
        <FleetView />
      </div>
    </div>
  );
}

function LaneTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) {
  const p = active ? (payload?.[0]?.payload as TimelinePoint | undefined) : undefined;
  if (!p) return null;
  return (
    <div className="chart-tip">
      <div className="tip-head">{LANE_LABELS[p.lane]} · {fullTime(p.time)}</div>
      <div className="mono"><SafeText value={p.label} oneLine /></div>
      {p.detail ? <div className="mono muted small wrap"><SafeText value={p.detail} /></div> : null}
    </div>
  );
}

function ProcessTimeline() {
  const { detail } = useHunt();
  const pal = usePalette();
  const data = detail?.data;
  const { points, thinned } = useMemo(() => timelinePoints(data?.timeline ?? []), [data]);
  const [range, setRange] = useState<{ startIndex: number; endIndex: number } | null>(null);
  const shown = range ? points.slice(range.startIndex, range.endIndex + 1) : points;
  const lanesUsed = new Set(points.map((p) => p.lane));
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of data?.timeline ?? []) m.set(e.lane, (m.get(e.lane) ?? 0) + 1);
    return m;
  }, [data]);
  if (!data) return null;
  if (points.length === 0) return <p className="muted">No events in the window.</p>;
  const span = Math.max(1, (shown[shown.length - 1]?.x ?? 0) - (shown[0]?.x ?? 0));
  return (
    <>
      <ul className="lane-legend" aria-label="Lanes">
        {LANES.map((l) => (
          <li key={l} className={lanesUsed.has(l) ? '' : 'dim'}>
            <span className="swatch" style={{ background: pal.lanes[l] }} aria-hidden="true" /> {LANE_LABELS[l]} <span className="muted">({count(counts.get(l) ?? 0)})</span>
          </li>
        ))}
      </ul>
      <div className="chart" data-testid="process-timeline" role="img" aria-label={`Timeline of ${count(points.length)} events from ${shortTime(points[0]?.time)} to ${shortTime(points[points.length - 1]?.time)} UTC`}>
        <ResponsiveContainer width="100%" height={320}>
          <ComposedChart data={points} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid stroke={pal.grid} strokeDasharray="3 3" />
            <XAxis
              dataKey="x" type="number" scale="time" domain={['dataMin', 'dataMax']} stroke={pal.muted}
              tickFormatter={(v: number) => timeTick(v, span)} tick={{ fill: pal.muted, fontSize: 11 }} minTickGap={40}
            />
            <YAxis
              dataKey="y" type="number" domain={[-0.5, LANES.length - 0.5]} ticks={LANES.map((_, i) => i)} reversed
              tickFormatter={(v: number) => LANE_LABELS[LANES[v] ?? 'start']} width={110} stroke={pal.muted} tick={{ fill: pal.muted, fontSize: 11 }}
              interval={0} allowDecimals={false}
            />
            <Tooltip content={<LaneTooltip />} cursor={{ stroke: pal.muted, strokeDasharray: '3 3' }} isAnimationActive={false} />
            <Scatter dataKey="y" isAnimationActive={false} shape="circle">
              {points.map((p, i) => <Cell key={i} fill={pal.lanes[p.lane]} stroke={pal.bg} />)}
            </Scatter>
            <Brush
              dataKey="x" height={26} stroke={pal.accent} fill={pal.panel} travellerWidth={10}
              tickFormatter={(v: number) => shortTime(new Date(v).toISOString())}
              onChange={(r: { startIndex?: number; endIndex?: number }) => {
                if (r.startIndex !== undefined && r.endIndex !== undefined) setRange({ startIndex: r.startIndex, endIndex: r.endIndex });
              }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small">
        Drag the handles under the chart to zoom. {thinned ? `Only ${count(points.length)} of ${count(data.timeline.length)} events are drawn (evenly thinned per lane). ` : ''}
        {data.truncated.length ? `Lanes cut at their first events: ${data.truncated.join(', ')}.` : ''}
      </p>
      <EventList points={shown} />
    </>
  );
}

function EventList({ points }: { points: TimelinePoint[] }) {
  const MAX = 300;
  return (
    <details className="event-list">
      <summary>Events in view ({count(points.length)})</summary>
      <div className="table-wrap">
        <table className="plain">
          <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Lane</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
          <tbody>
            {points.slice(0, MAX).map((p, i) => (
              <tr key={i}>
                <td className="nowrap">{fullTime(p.time)}</td>
                <td>{LANE_LABELS[p.lane]}</td>
                <td className="mono wrap"><SafeText value={p.label} /></td>
                <td className="mono wrap small"><SafeText value={p.detail} empty="" /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {points.length > MAX ? <p className="muted small">The first {MAX} are listed.</p> : null}
    </details>
  );
}

function FleetTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) {
  const t = active ? (payload?.[0]?.payload as FleetDayTotal | undefined) : undefined;
  if (!t) return null;
  return (
    <div className="chart-tip">
      <div className="tip-head">{t.day}</div>
      <div>{count(t.ordinary + t.rare)} service launches on {count(t.hosts)} hosts</div>
      {t.rare ? <div className="rare-text">{count(t.rare)} rare: <SafeText value={t.rareHosts.join(', ')} oneLine /></div> : null}
    </div>
  );
}

function FleetView() {
  const { bridge } = useApp();
  const hunt = useHunt();
  const pal = usePalette();
  const params = hunt.run?.params ?? huntParams(hunt.form);
  const key = JSON.stringify(params);
  const [days, setDays] = useState<FleetDay[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const p = JSON.parse(key) as typeof params;
    setError(null);
    bridge.call('hunt.fleet', { window: p.window, params: p }).then((d) => live && setDays(d), (err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
    // The report changes when the allowlist does: fetch again then too.
  }, [bridge, key, hunt.run]);

  const totals = useMemo(() => fleetTotals(days ?? []), [days]);
  const rareDays = useMemo(() => (days ?? []).filter((d) => d.rare > 0), [days]);
  return (
    <section aria-labelledby="fleet-h" className="chart-card">
      <h2 id="fleet-h">Fleet: service launches per day <span className="muted small">({hunt.run ? 'the last hunt’s window and rarity' : 'the hunt settings, not run yet'})</span></h2>
      {error ? <p className="error" role="alert"><SafeText value={error} /></p> : null}
      {days && days.length === 0 ? <p className="muted">No service launches in the window.</p> : null}
      {totals.length ? (
        <ul className="lane-legend" aria-label="Legend">
          <li><span className="swatch square" style={{ background: pal.accent }} aria-hidden="true" /> Service launches per day, all hosts</li>
          <li><span className="swatch square" style={{ background: pal.rare }} aria-hidden="true" /> Days with rare launches (the number above the bar: how many)</li>
        </ul>
      ) : null}
      {totals.length ? (
        <div className="chart" data-testid="fleet-chart" role="img" aria-label={`Service launches per day from ${totals[0]?.day} to ${totals[totals.length - 1]?.day}; ${rareDays.length} host-days with rare launches`}>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={totals} margin={{ top: 22, right: 24, bottom: 8, left: 8 }}>
              <CartesianGrid stroke={pal.grid} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" stroke={pal.muted} tick={{ fill: pal.muted, fontSize: 11 }} tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
              <YAxis stroke={pal.muted} tick={{ fill: pal.muted, fontSize: 11 }} allowDecimals={false} width={48} />
              <Tooltip content={<FleetTooltip />} cursor={{ fill: pal.panel }} isAnimationActive={false} />
              {/* A day with rare launches is drawn whole in the rare colour and labelled, however few they are. */}
              <Bar dataKey="total" name="Service launches" fill={pal.accent} isAnimationActive={false} minPointSize={2}>
                {totals.map((t) => <Cell key={t.day} fill={t.rare ? pal.rare : pal.accent} />)}
                <LabelList dataKey="rareLabel" position="top" fill={pal.rare} fontSize={11} fontWeight={600} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : null}
      {rareDays.length ? (
        <details className="event-list" open>
          <summary>Host-days with rare launches ({rareDays.length})</summary>
          <table className="plain">
            <thead><tr><th scope="col">Day</th><th scope="col">Host</th><th scope="col" className="num">Service launches</th><th scope="col" className="num">Rare</th></tr></thead>
            <tbody>
              {rareDays.map((d) => (
                <tr key={`${d.day}${d.host}`}>
                  <td>{d.day}</td>
                  <td><SafeText value={d.host} oneLine /></td>
                  <td className="num">{count(d.launches)}</td>
                  <td className="num rare-text">{count(d.rare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </section>
  );
}
