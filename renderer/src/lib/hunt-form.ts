// The hunt form: what the user edits, and the HuntParams it becomes. The presets
// mirror src-core/hunt/presets.ts (a runtime module the renderer may not import).
import type { HuntParams, Measure, PresetName, WindowSpec } from '../../../src-core/model/hunt.js';

export const MEASURE_LABELS: Record<Measure, { label: string; help: string }> = {
  binary: { label: 'Unique binary', help: 'the same (hash, name) runs as a service on at most N hosts' },
  path: { label: 'Unique path', help: 'the normalized executable path runs as a service on at most N hosts' },
  host: { label: 'Rare per host', help: 'the service launched at least 1 and fewer than N child processes on its host' },
};
export const MEASURE_ORDER: readonly Measure[] = ['binary', 'path', 'host'];

/** src-core/hunt/presets.ts DEFAULT_MIN_COVERED_HOSTS (a runtime value the renderer may not import). */
export const DEFAULT_MIN_COVERED_HOSTS = 3;

export type WindowMode = '30d' | '7d' | 'all' | 'custom';

export interface PresetInfo {
  name: PresetName;
  label: string;
  measures: Measure[];
  window: WindowMode;
  maxHosts: number;
  maxLaunches: number;
}

export const PRESETS: readonly PresetInfo[] = [
  { name: 'any', label: 'Any measure (binary, path or host; 30 days)', measures: ['binary', 'path', 'host'], window: '30d', maxHosts: 1, maxLaunches: 6 },
  { name: 'elastic-binary', label: 'Elastic: unique binary (hash on one host, 7 days)', measures: ['binary'], window: '7d', maxHosts: 1, maxLaunches: 6 },
  { name: 'elastic-path', label: 'Elastic: unique normalized path (one host, 7 days)', measures: ['path'], window: '7d', maxHosts: 1, maxLaunches: 6 },
  { name: 'defender-host', label: 'Defender: rare per host (fewer than 6 child launches, 30 days)', measures: ['host'], window: '30d', maxHosts: 1, maxLaunches: 6 },
];

export interface HuntForm {
  preset: PresetName;
  measures: Measure[];
  match: 'any' | 'all';
  window: WindowMode;
  /** `YYYY-MM-DDTHH:MM` (datetime-local, read as UTC) or ''. */
  from: string;
  to: string;
  maxHosts: number;
  maxLaunches: number;
  includeTrusted: boolean;
  /** Rows measured over fewer hosts with process-start coverage are flagged (not left out). */
  minCoveredHosts: number;
}

export function presetInfo(name: PresetName): PresetInfo {
  return PRESETS.find((p) => p.name === name) ?? PRESETS[0]!;
}

/**
 * The form a preset sets (the user may then change anything). The coverage threshold is
 * no part of a preset (it flags rows, it does not choose them), so a preset keeps it.
 */
export function formFromPreset(name: PresetName, keep?: Pick<HuntForm, 'from' | 'to' | 'includeTrusted' | 'minCoveredHosts'>): HuntForm {
  const p = presetInfo(name);
  return {
    preset: p.name, measures: [...p.measures], match: 'any', window: p.window,
    from: keep?.from ?? '', to: keep?.to ?? '', maxHosts: p.maxHosts, maxLaunches: p.maxLaunches,
    includeTrusted: keep?.includeTrusted ?? false, minCoveredHosts: keep?.minCoveredHosts ?? DEFAULT_MIN_COVERED_HOSTS,
  };
}

/** True when the form still says what its preset says (the coverage threshold is not the preset's). */
export function matchesPreset(f: HuntForm): boolean {
  const p = presetInfo(f.preset);
  return f.match === 'any' && f.window === p.window && f.maxHosts === p.maxHosts && f.maxLaunches === p.maxLaunches &&
    MEASURE_ORDER.every((m) => f.measures.includes(m) === p.measures.includes(m));
}

const LOCAL = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** `2026-10-01T08:30` (read as UTC) → Iso7; the end of a range takes the whole minute (or day). */
export function toIso7(local: string, end: boolean): string | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [, date, hh, mm, ss] = m;
  if (hh === undefined) return `${date}T${end ? '23:59:59.9999999' : '00:00:00.0000000'}Z`;
  if (ss !== undefined) return `${date}T${hh}:${mm}:${ss}.${end ? '9999999' : '0000000'}Z`;
  return `${date}T${hh}:${mm}:${end ? '59.9999999' : '00.0000000'}Z`;
}

export function windowSpec(f: HuntForm): WindowSpec {
  switch (f.window) {
    case '30d':
      return { kind: 'days', days: 30 };
    case '7d':
      return { kind: 'days', days: 7 };
    case 'all':
      return { kind: 'all' };
    case 'custom':
      return { kind: 'range', from: toIso7(f.from, false), to: toIso7(f.to, true) };
  }
}

/** Problems that keep the form from running, in words. */
export function formProblems(f: HuntForm): string[] {
  const out: string[] = [];
  if (f.measures.length === 0) out.push('Choose at least one measure.');
  if (!Number.isInteger(f.maxHosts) || f.maxHosts < 1) out.push('Max hosts must be a whole number of at least 1.');
  if (!Number.isInteger(f.maxLaunches) || f.maxLaunches < 1) out.push('Max launches must be a whole number of at least 1.');
  if (!Number.isInteger(f.minCoveredHosts) || f.minCoveredHosts < 1) out.push('Min covered hosts must be a whole number of at least 1.');
  if (f.window === 'custom') {
    if (f.from && !toIso7(f.from, false)) out.push('The start of the range is not a date.');
    if (f.to && !toIso7(f.to, true)) out.push('The end of the range is not a date.');
    const a = toIso7(f.from, false);
    const b = toIso7(f.to, true);
    if (a && b && a > b) out.push('The range ends before it starts.');
  }
  return out;
}

export function huntParams(f: HuntForm): HuntParams {
  return {
    preset: f.preset,
    measures: MEASURE_ORDER.filter((m) => f.measures.includes(m)),
    match: f.match,
    window: windowSpec(f),
    maxHosts: f.maxHosts,
    maxLaunches: f.maxLaunches,
    includeTrusted: f.includeTrusted,
    minCoveredHosts: f.minCoveredHosts,
    allowlist: null,
    pathRules: null,
  };
}

/** A window in words, for labels. */
export function describeWindow(w: WindowSpec): string {
  if (w.kind === 'all') return 'all time';
  if (w.kind === 'days') return `last ${w.days} days`;
  return `${w.from ? w.from.slice(0, 16).replace('T', ' ') : 'start'} to ${w.to ? w.to.slice(0, 16).replace('T', ' ') : 'end'} UTC`;
}
