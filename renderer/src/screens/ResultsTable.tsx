// The results table: virtualized (only the rows in view are in the DOM, so 100,000
// rows scroll smoothly), sortable by any column, a filter per column, and keyboard
// navigation (arrows, PageUp/PageDown, Home/End, Enter opens the row).
import { memo, useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ReportRow } from '../../../src-core/model/hunt.js';
import { COLUMNS, navigate, nextSort, type ColumnKey, type SortSpec, type TableFilter } from '../lib/table.js';
import { SafeText } from '../components/SafeText.js';
import { hasControls, oneLine } from '../lib/controls.js';

export const ROW_HEIGHT = 30;
const HEAD_HEIGHT = 64;
const TOTAL_WIDTH = COLUMNS.reduce((a, c) => a + c.width, 0);
const GRID_TEMPLATE = COLUMNS.map((c) => `${c.width}px`).join(' ');

export interface ResultsTableProps {
  rows: readonly ReportRow[];
  total: number;
  filter: TableFilter;
  onFilter(f: TableFilter): void;
  sort: SortSpec | null;
  onSort(s: SortSpec | null): void;
  selectedId: number | null;
  openId: number | null;
  onSelect(id: number): void;
  onOpen(id: number): void;
  /** Escape in the table closes the opened row. */
  onClose?(): void;
}

const Cell = memo(function Cell({ row, col }: { row: ReportRow; col: (typeof COLUMNS)[number] }) {
  if (col.key === 'rareBy') {
    return (
      <div className="td" role="gridcell">
        {row.rareBy.map((m) => <span key={m} className={`tag rare-${m}`}>{m}</span>)}
      </div>
    );
  }
  if (col.key === 'signature') {
    return <div className={`td sig-${row.signature}`} role="gridcell">{row.signature}</div>;
  }
  const text = col.text(row);
  const cls = `td${col.numeric ? ' num' : ''}${col.mono ? ' mono' : ''}`;
  // Plain text (the common case) needs no inner elements; hidden characters get SafeText.
  if (!hasControls(text)) return <div className={cls} role="gridcell" title={text || undefined}>{text || (col.numeric ? '—' : '')}</div>;
  return (
    <div className={cls} role="gridcell" title={oneLine(text)}>
      <SafeText value={text} oneLine />
    </div>
  );
});

const Row = memo(function Row({ row, index, top, selected, open, onClick, onDoubleClick }: {
  row: ReportRow; index: number; top: number; selected: boolean; open: boolean;
  onClick(id: number): void; onDoubleClick(id: number): void;
}) {
  return (
    <div
      role="row"
      id={`row-${row.instanceId}`}
      aria-rowindex={index + 3}
      aria-selected={selected}
      className={`tr ${selected ? 'selected' : ''} ${open ? 'open' : ''} ${index % 2 ? 'odd' : ''}`}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: GRID_TEMPLATE }}
      onClick={() => onClick(row.instanceId)}
      onDoubleClick={() => onDoubleClick(row.instanceId)}
      data-instance={row.instanceId}
    >
      {COLUMNS.map((c) => <Cell key={c.key} row={row} col={c} />)}
    </div>
  );
});

export function ResultsTable(props: ResultsTableProps) {
  const { rows, filter, onFilter, sort, onSort, selectedId, openId, onSelect, onOpen } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    scrollPaddingStart: HEAD_HEIGHT,
    scrollMargin: HEAD_HEIGHT,
  });

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.instanceId === selectedId);

  // Keep the selected row in view when it moves (keys, filters, sorting).
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    if (e.key === 'Escape' && openId !== null && props.onClose) {
      e.preventDefault();
      props.onClose();
      return;
    }
    if (e.key === 'Enter' && selectedIndex >= 0) {
      e.preventDefault();
      onOpen(rows[selectedIndex]!.instanceId);
      return;
    }
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 600) - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
    const next = navigate(e.key, selectedIndex, rows.length, page);
    if (next === null) return;
    e.preventDefault();
    onSelect(rows[next]!.instanceId);
  }, [onOpen, onSelect, rows, selectedIndex, openId, props]);

  const setColumnFilter = (key: ColumnKey, value: string) => onFilter({ ...filter, columns: { ...filter.columns, [key]: value } });

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scroller}
      className="grid-scroll"
      role="grid"
      tabIndex={0}
      aria-label="Rare service processes. Arrow keys move, Enter opens a row, Escape closes it."
      aria-rowcount={rows.length + 2}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={selectedId !== null && selectedIndex >= 0 ? `row-${selectedId}` : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="thead" style={{ width: TOTAL_WIDTH }} role="rowgroup">
        <div className="tr head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: GRID_TEMPLATE }}>
          {COLUMNS.map((c) => {
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
        <div className="tr filters" role="row" aria-rowindex={2} style={{ gridTemplateColumns: GRID_TEMPLATE }}>
          {COLUMNS.map((c) => (
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
      <div className="tbody" role="rowgroup" style={{ height: virtualizer.getTotalSize(), width: TOTAL_WIDTH }}>
        {items.map((v) => {
          const row = rows[v.index]!;
          return (
            <Row
              key={row.instanceId}
              row={row}
              index={v.index}
              top={v.start - HEAD_HEIGHT}
              selected={row.instanceId === selectedId}
              open={row.instanceId === openId}
              onClick={onOpen}
              onDoubleClick={onOpen}
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
