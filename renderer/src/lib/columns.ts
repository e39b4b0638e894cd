// Which grid columns are shown, and in what order (the column chooser), and how that
// choice is kept per case in localStorage. Pure apart from the storage calls, which take
// the Storage to use; a stored choice is validated as untrusted input: unknown or
// repeated columns are dropped, columns it does not name keep their default, and a
// choice that would show nothing falls back to the default.
import { COLUMNS, COLUMN_BY_KEY, DEFAULT_SHOWN, type Column, type ColumnKey } from './table.js';

export interface ColumnEntry {
  key: ColumnKey;
  shown: boolean;
}

/** Every known column exactly once, in the chosen order, each shown or not. */
export type ColumnChoice = readonly ColumnEntry[];

const FORMAT = 1;

export const DEFAULT_CHOICE: ColumnChoice = [
  ...DEFAULT_SHOWN.map((key) => ({ key, shown: true })),
  ...COLUMNS.filter((c) => !DEFAULT_SHOWN.includes(c.key)).map((c) => ({ key: c.key, shown: false })),
];

function isColumnKey(v: unknown): v is ColumnKey {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(COLUMN_BY_KEY, v);
}

/** Any list of entries made whole: known keys once each, the rest appended as the default has them. */
export function normalizeChoice(entries: readonly ColumnEntry[]): ColumnChoice {
  const seen = new Set<ColumnKey>();
  const out: ColumnEntry[] = [];
  for (const e of entries) {
    if (!isColumnKey(e.key) || seen.has(e.key)) continue;
    seen.add(e.key);
    out.push({ key: e.key, shown: e.shown === true });
  }
  // Columns a stored choice does not know (added in a later version) keep their default.
  for (const d of DEFAULT_CHOICE) if (!seen.has(d.key)) out.push({ ...d });
  return out.some((e) => e.shown) ? out : DEFAULT_CHOICE;
}

/** The columns to draw, in order. */
export function shownColumns(choice: ColumnChoice): Column[] {
  const cols = choice.filter((e) => e.shown).map((e) => COLUMN_BY_KEY[e.key]);
  return cols.length ? cols : DEFAULT_SHOWN.map((k) => COLUMN_BY_KEY[k]);
}

export function serializeChoice(choice: ColumnChoice): string {
  return JSON.stringify({ v: FORMAT, columns: choice.map((e) => ({ key: e.key, shown: e.shown })) });
}

/** A stored choice read back; anything unreadable is the default. */
export function parseChoice(text: string | null): ColumnChoice {
  if (!text) return DEFAULT_CHOICE;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return DEFAULT_CHOICE;
  }
  if (typeof data !== 'object' || data === null) return DEFAULT_CHOICE;
  const { v, columns } = data as { v?: unknown; columns?: unknown };
  if (v !== FORMAT || !Array.isArray(columns)) return DEFAULT_CHOICE;
  const entries: ColumnEntry[] = [];
  for (const c of columns as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const { key, shown } = c as { key?: unknown; shown?: unknown };
    if (isColumnKey(key) && typeof shown === 'boolean') entries.push({ key, shown });
  }
  return normalizeChoice(entries);
}

export function toggleColumn(choice: ColumnChoice, key: ColumnKey): ColumnChoice {
  const next = choice.map((e) => (e.key === key ? { ...e, shown: !e.shown } : e));
  // The last shown column stays: a grid without columns cannot be used or fixed from itself.
  return next.some((e) => e.shown) ? next : choice;
}

/** Moves a column one place up (-1) or down (+1) in the order. */
export function moveColumn(choice: ColumnChoice, key: ColumnKey, by: -1 | 1): ColumnChoice {
  const i = choice.findIndex((e) => e.key === key);
  const j = i + by;
  if (i < 0 || j < 0 || j >= choice.length) return choice;
  const next = [...choice];
  [next[i], next[j]] = [next[j]!, next[i]!];
  return next;
}

export function isDefaultChoice(choice: ColumnChoice): boolean {
  return serializeChoice(choice) === serializeChoice(DEFAULT_CHOICE);
}

/**
 * Kept per case in the browser's localStorage, by the case file's path: a view preference
 * of whoever sits at this computer, not part of the evidence a case file carries (and it
 * needs no core change).
 */
export function storageKey(casePath: string): string {
  return `longtail.columns:${casePath}`;
}

export function loadChoice(storage: Pick<Storage, 'getItem'> | null, casePath: string | null): ColumnChoice {
  if (!storage || !casePath) return DEFAULT_CHOICE;
  try {
    return parseChoice(storage.getItem(storageKey(casePath)));
  } catch {
    return DEFAULT_CHOICE;
  }
}

export function saveChoice(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, casePath: string | null, choice: ColumnChoice): void {
  if (!storage || !casePath) return;
  try {
    if (isDefaultChoice(choice)) storage.removeItem(storageKey(casePath));
    else storage.setItem(storageKey(casePath), serializeChoice(choice));
  } catch {
    // Storage full or refused (private mode): the choice lasts for this session only.
  }
}
