// The grid's multi-selection, apart from React (pure, unit-tested): a focused row (the
// keyboard cursor), an anchor (where a Shift range starts) and the selected rows, all by
// instance id so sorting and filtering do not move the selection to other rows.

export interface Selection {
  /** The row the keyboard is on (aria-activedescendant), or null. */
  focus: number | null;
  /** Where a Shift+click / Shift+Arrow range starts. */
  anchor: number | null;
  selected: ReadonlySet<number>;
}

export const NO_SELECTION: Selection = { focus: null, anchor: null, selected: new Set() };

/** One row alone (a plain click, a plain arrow key). */
export function selectOne(id: number | null): Selection {
  return id === null ? NO_SELECTION : { focus: id, anchor: id, selected: new Set([id]) };
}

/** Ctrl/Cmd+click (or Space): the row in or out of the selection; it becomes the focus and anchor. */
export function toggle(sel: Selection, id: number): Selection {
  const selected = new Set(sel.selected);
  if (selected.has(id)) selected.delete(id);
  else selected.add(id);
  return { focus: id, anchor: id, selected };
}

/**
 * Shift+click or Shift+Arrow: every row between the anchor and `id`, in the order shown.
 * `order` is the ids as shown; an anchor no longer shown starts the range at `id`.
 * With `keep` (Ctrl+Shift+click) the rows already selected stay selected.
 */
export function extendTo(sel: Selection, order: readonly number[], id: number, keep = false): Selection {
  const to = order.indexOf(id);
  if (to < 0) return sel;
  const anchor = sel.anchor ?? sel.focus ?? id;
  let from = order.indexOf(anchor);
  if (from < 0) from = to;
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  const selected = new Set(keep ? sel.selected : []);
  for (let i = lo; i <= hi; i++) selected.add(order[i]!);
  return { focus: id, anchor: order[from]!, selected };
}

/** Every row shown (Ctrl/Cmd+A); the focus stays. */
export function selectAll(sel: Selection, order: readonly number[]): Selection {
  if (!order.length) return sel;
  const focus = sel.focus !== null && order.includes(sel.focus) ? sel.focus : order[0]!;
  return { focus, anchor: sel.anchor ?? focus, selected: new Set(order) };
}

/**
 * The rows a verdict key applies to, in the order shown: the selected rows that are shown
 * (a row a filter hides is not changed behind the user's back), else the focused row.
 */
export function targets(sel: Selection, order: readonly number[]): number[] {
  const shown = sel.selected.size ? order.filter((id) => sel.selected.has(id)) : [];
  if (shown.length) return shown;
  return sel.focus !== null && order.includes(sel.focus) ? [sel.focus] : [];
}

/** Only the rows still in a new result (after a re-run); the focus and anchor too. */
export function keepOnly(sel: Selection, ids: ReadonlySet<number>): Selection {
  const selected = new Set([...sel.selected].filter((id) => ids.has(id)));
  const focus = sel.focus !== null && ids.has(sel.focus) ? sel.focus : null;
  const anchor = sel.anchor !== null && ids.has(sel.anchor) ? sel.anchor : focus;
  if (selected.size === sel.selected.size && focus === sel.focus && anchor === sel.anchor) return sel;
  return { focus, anchor, selected };
}
