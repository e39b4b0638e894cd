// The results table: virtualized (only the rows in view are in the DOM, so 100,000
// rows scroll smoothly), sortable by any column, a filter per column, the columns the
// user chose, multi-selection (click, Ctrl/Cmd+click, Shift+click, Shift+arrows,
// Ctrl/Cmd+A, Space) and keyboard navigation (arrows, PageUp/PageDown, Home/End, Enter
// opens the row) and verdict keys (b, s, m, u) on the selected rows.
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Measure, ReportRow, Verdict } from '../../../src-core/model/hunt.js';
import { COLUMN_BY_KEY, DEFAULT_SHOWN, navigate, nextSort, type Column, type ColumnKey, type SortSpec, type TableFilter } from '../lib/table.js';
import { extendTo, selectAll, selectOne, targets, toggle, type Selection } from '../lib/selection.js';
import { verdictForKey } from '../lib/verdicts.js';
import { SafeText } from '../components/SafeText.js';
import { hasControls, oneLine } from '../lib/controls.js';

export const ROW_HEIGHT = 30;
/** The header row (labels on up to two lines) and the filter row. */
const HEAD_HEIGHT = 72;
const DEFAULT_COLUMNS: readonly Column[] = DEFAULT_SHOWN.map((k) => COLUMN_BY_KEY[k]);
/** Short rare-by tags keep the column narrow enough for the grid to show why at 1280 px. */
const RARE_SHORT: Record<Measure, string> = { binary: 'bin', path: 'path', host: 'host' };
const RARE_TITLES: Record<Measure, string> = { binary: 'rare by binary (hash and name)', path: 'rare by normalized path', host: 'rare per host (few child launches)' };

export interface ResultsTableProps {
  rows: readonly ReportRow[];
  total: number;
  /** The columns shown, in order (the column chooser's); the default set when omitted. */
  columns?: readonly Column[];
  filter: TableFilter;
  onFilter(f: TableFilter): void;
  sort: SortSpec | null;
  onSort(s: SortSpec | null): void;
  selection: Selection;
  onSelection(s: Selection): void;
  openId: number | null;
  onOpen(id: number): void;
  /** Escape in the table closes the opened row. */
  onClose?(): void;
  /** A verdict key on these rows (the selected rows shown, else the focused one). */
  onVerdict?(ids: number[], verdict: Verdict): void;
}

/** Typing in a field inside the grid (its column filters) is text, never a command. */
function isTyping(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
}

const Cell = memo(function Cell({ row, col }: { row: ReportRow; col: Column }) {
  switch (col.key) {
    case 'rareBy':
      return (
        <div className="td" role="gridcell">
          {row.rareBy.map((m) => <span key={m} className={`tag rare-${m}`} title={RARE_TITLES[m]}>{RARE_SHORT[m]}</span>)}
        </div>
      );
    case 'signature':
      return <div className={`td sig-${row.signature}`} role="gridcell">{row.signature}</div>;
    case 'verdict':
      return (
        <div className="td" role="gridcell">
          <span className={`verdict v-${row.verdict}`} title={row.note ? oneLine(row.note) : undefined}>{row.verdict}</span>
          {row.note ? <span className="note-mark" aria-label="has a note" title={oneLine(row.note)}>✎</span> : null}
        </div>
      );
    case 'coveredHosts':
      return (
        <div
          className={`td num${row.thinCoverage ? ' thin' : ''}`}
          role="gridcell"
          title={row.thinCoverage ? `Thin coverage: only ${row.coveredHosts} host${row.coveredHosts === 1 ? '' : 's'} logged process starts that day, too few to call it rare` : `${row.coveredHosts} hosts logged process starts that day`}
        >
          {row.thinCoverage ? <span className="thin-mark" aria-label="thin coverage">⚠ </span> : null}{row.coveredHosts}
        </div>
      );
    case 'children': case 'remoteIps': case 'files': case 'dlls': {
      const n = row.counts[col.key];
      return <div className={`td num${n === 0 ? ' zero' : ''}`} role="gridcell">{n}</div>;
    }
    default:
      break;
  }
  const text = col.text(row);
  const cls = `td${col.numeric ? ' num' : ''}${col.mono ? ' mono' : ''}${col.key === 'startTime' ? ' time' : ''}`;
  // Plain text (the common case) needs no inner elements; hidden characters get SafeText.
  if (!hasControls(text)) return <div className={cls} role="gridcell" title={text || undefined}>{text || (col.numeric ? '—' : '')}</div>;
  return (
    <div className={cls} role="gridcell" title={oneLine(text)}>
      <SafeText value={text} oneLine />
    </div>
  );
});

interface Mods {
  ctrl: boolean;
  shift: boolean;
}

const Row = memo(function Row({ row, index, top, selected, focused, open, columns, template, onClick, onDoubleClick }: {
  row: ReportRow; index: number; top: number; selected: boolean; focused: boolean; open: boolean;
  columns: readonly Column[]; template: string;
  onClick(id: number, mods: Mods): void; onDoubleClick(id: number): void;
}) {
  return (
    <div
      role="row"
      id={`row-${row.instanceId}`}
      aria-rowindex={index + 3}
      aria-selected={selected}
      className={`tr ${selected ? 'selected' : ''} ${focused ? 'focused' : ''} ${open ? 'open' : ''} ${index % 2 ? 'odd' : ''}`}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}
      // Shift+click extends the selection: keep the browser from selecting text as well.
      onMouseDown={(e: MouseEvent) => {
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e: MouseEvent) => onClick(row.instanceId, { ctrl: e.ctrlKey || e.metaKey, shift: e.shiftKey })}
      onDoubleClick={() => onDoubleClick(row.instanceId)}
      data-instance={row.instanceId}
    >
      {columns.map((c) => <Cell key={c.key} row={row} col={c} />)}
    </div>
  );
});

export function ResultsTable(props: ResultsTableProps) {
  const { rows, filter, onFilter, sort, onSort, selection, onSelection, openId, onOpen, onVerdict } = props;
  const columns = props.columns ?? DEFAULT_COLUMNS;
  const template = useMemo(() => columns.map((c) => `${c.width}px`).join(' '), [columns]);
  const totalWidth = useMemo(() => columns.reduce((a, c) => a + c.width, 0), [columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollPaddingStart: HEAD_HEIGHT,
    scrollMargin: HEAD_HEIGHT,
  });

  const focusId = selection.focus;
  const focusIndex = useMemo(() => (focusId === null ? -1 : rows.findIndex((r) => r.instanceId === focusId)), [rows, focusId]);
  /** The ids in the order shown (ranges and verdict targets follow what the user sees). */
  const order = useMemo(() => rows.map((r) => r.instanceId), [rows]);

  // Keep the focused row in view when it moves (keys, filters, sorting).
  useEffect(() => {
    if (focusIndex >= 0) virtualizer.scrollToIndex(focusIndex, { align: 'auto' });
  }, [focusIndex, virtualizer]);

  // Row clicks read the selection of the moment without re-rendering every row for it.
  const latest = useRef({ selection, order, onSelection, onOpen });
  useEffect(() => {
    latest.current = { selection, order, onSelection, onOpen };
  }, [selection, order, onSelection, onOpen]);

  const onRowClick = useCallback((id: number, mods: Mods) => {
    const l = latest.current;
    if (mods.shift) l.onSelection(extendTo(l.selection, l.order, id, mods.ctrl));
    else if (mods.ctrl) l.onSelection(toggle(l.selection, id));
    else {
      l.onSelection(selectOne(id));
      l.onOpen(id);
    }
  }, []);
  const onRowDoubleClick = useCallback((id: number) => latest.current.onOpen(id), []);

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLDivElement>) => {
    if (isTyping(e.target)) return;
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.key === 'Escape') {
      if (openId !== null && props.onClose) {
        e.preventDefault();
        props.onClose();
      } else if (selection.selected.size > 1) {
        e.preventDefault();
        onSelection(selectOne(focusId));
      }
      return;
    }
    if (e.key === 'Enter' && focusIndex >= 0) {
      e.preventDefault();
      onOpen(rows[focusIndex]!.instanceId);
      return;
    }
    if (ctrl && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      onSelection(selectAll(selection, order));
      return;
    }
    if (e.key === ' ' && !ctrl && !e.altKey) {
      e.preventDefault();
      if (focusIndex >= 0) onSelection(toggle(selection, rows[focusIndex]!.instanceId));
      else if (rows.length) onSelection(selectOne(rows[0]!.instanceId));
      return;
    }
    const verdict = verdictForKey(e);
    if (verdict && onVerdict) {
      const ids = targets(selection, order);
      if (ids.length) {
        e.preventDefault();
        onVerdict(ids, verdict);
      }
      return;
    }
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 600) - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
    const next = navigate(e.key, focusIndex, rows.length, page);
    if (next === null) return;
    e.preventDefault();
    const id = rows[next]!.instanceId;
    onSelection(e.shiftKey ? extendTo(selection, order, id) : selectOne(id));
  }, [onOpen, onSelection, onVerdict, rows, order, focusIndex, focusId, selection, openId, props]);

  const setColumnFilter = (key: ColumnKey, value: string) => onFilter({ ...filter, columns: { ...filter.columns, [key]: value } });

  const items = virtualizer.getVirtualItems();
  const many = selection.selected.size > 1;
  return (
    <div
      ref={scroller}
      className="grid-scroll"
      role="grid"
      tabIndex={0}
      aria-multiselectable="true"
      aria-label="Rare service processes. Arrow keys move, Shift+arrows or Shift+click select several, Enter opens a row, Escape closes it; b benign, s suspicious, m malicious, u unreviewed."
      aria-rowcount={rows.length + 2}
      aria-colcount={columns.length}
      aria-activedescendant={focusId !== null && focusIndex >= 0 ? `row-${focusId}` : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="thead" style={{ width: totalWidth }} role="rowgroup">
        <div className="tr head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          {columns.map((c) => {
            const dir = sort?.key === c.key ? sort.dir : null;
            return (
              <div key={c.key} className={`th ${c.numeric ? 'num' : ''}`} role="columnheader" aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
                <button type="button" className="sort" title={`${c.title}: click to sort`} onClick={() => onSort(nextSort(sort, c.key))}>
                  {c.label}
                  <span className="sort-mark" aria-hidden="true">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}</span>
                </button>
              </div>
            );
          })}
        </div>
        <div className="tr filters" role="row" aria-rowindex={2} style={{ gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.key} className="th" role="columnheader">
              <input
                type="search"
                className="col-filter"
                value={filter.columns[c.key] ?? ''}
                onChange={(e) => setColumnFilter(c.key, e.target.value)}
                placeholder={c.numeric ? '≤ 1, 2-5' : 'filter'}
                aria-label={`Filter ${c.title}`}
                title={c.numeric ? 'A number, or <N, <=N, >N, >=N, N-M' : 'Words that must appear; !word leaves rows with it out'}
                spellCheck={false}
              />
            </div>
          ))}
        </div>
      </div>
      <div className="tbody" role="rowgroup" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
        {items.map((v) => {
          const row = rows[v.index]!;
          const id = row.instanceId;
          return (
            <Row
              key={id}
              row={row}
              index={v.index}
              top={v.start - HEAD_HEIGHT}
              selected={selection.selected.has(id)}
              focused={many && id === focusId}
              open={id === openId}
              columns={columns}
              template={template}
              onClick={onRowClick}
              onDoubleClick={onRowDoubleClick}
            />
          );
        })}
      </div>
      {rows.length === 0 ? (
        <div className="grid-empty" role="row"><div role="gridcell">{props.total === 0 ? 'No rare service processes with these settings.' : 'No rows match the filters.'}</div></div>
      ) : null}
    </div>
  );
}
