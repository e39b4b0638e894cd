// The column chooser: which grid columns are shown and in what order. A dialog (focus
// trapped, Escape closes) with a checkbox and "up"/"down" buttons per column, so the
// keyboard does everything a mouse does; Alt+Up/Alt+Down on a checkbox moves its column.
import { useRef, type KeyboardEvent } from 'react';
import { Modal } from '../components/Modal.js';
import { DEFAULT_CHOICE, isDefaultChoice, moveColumn, toggleColumn, type ColumnChoice } from '../lib/columns.js';
import { COLUMN_BY_KEY, type ColumnKey } from '../lib/table.js';

export function ColumnChooser({ choice, onChange, onClose }: { choice: ColumnChoice; onChange(c: ColumnChoice): void; onClose(): void }) {
  const list = useRef<HTMLOListElement>(null);
  const done = useRef<HTMLButtonElement>(null);
  const shown = choice.filter((e) => e.shown).length;

  /** After a move, the focus follows the column (its control is re-rendered elsewhere). */
  const move = (key: ColumnKey, by: -1 | 1, focus: 'check' | 'up' | 'down') => {
    onChange(moveColumn(choice, key, by));
    requestAnimationFrame(() => {
      const el = list.current?.querySelector<HTMLElement>(`[data-col="${key}"] [data-part="${focus}"]`);
      if (el && !(el as HTMLButtonElement).disabled) el.focus();
      else list.current?.querySelector<HTMLElement>(`[data-col="${key}"] [data-part="check"]`)?.focus();
    });
  };

  const onCheckKey = (key: ColumnKey) => (e: KeyboardEvent) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    move(key, e.key === 'ArrowUp' ? -1 : 1, 'check');
  };

  return (
    <Modal
      title="Columns"
      onClose={onClose}
      footer={(
        <>
          <button
            type="button"
            onClick={() => {
              onChange(DEFAULT_CHOICE);
              // The button is disabled once the choice is the default: keep the focus in the dialog.
              done.current?.focus();
            }}
            disabled={isDefaultChoice(choice)}
          >
            Reset to default
          </button>
          <button type="button" className="primary" onClick={onClose} ref={done}>Done</button>
        </>
      )}
    >
      <p className="muted small">
        Shown columns, top to bottom, are the grid's left to right. Kept for this case on this computer.
        Alt+↑ / Alt+↓ on a column moves it.
      </p>
      <ol className="column-list" ref={list} aria-label="Columns, in order">
        {choice.map((e, i) => {
          const c = COLUMN_BY_KEY[e.key];
          return (
            <li key={e.key} data-col={e.key} className={e.shown ? '' : 'dim'}>
              <label className="inline grow" title={c.title}>
                <input
                  type="checkbox"
                  data-part="check"
                  checked={e.shown}
                  disabled={e.shown && shown === 1}
                  onChange={() => onChange(toggleColumn(choice, e.key))}
                  onKeyDown={onCheckKey(e.key)}
                />
                {c.label}
                {c.label !== c.title ? <>{' '}<span className="muted small col-title">{c.title}</span></> : null}
              </label>
              <button type="button" className="small" data-part="up" disabled={i === 0} aria-label={`Move ${c.title} up`} onClick={() => move(e.key, -1, 'up')}>↑</button>
              <button type="button" className="small" data-part="down" disabled={i === choice.length - 1} aria-label={`Move ${c.title} down`} onClick={() => move(e.key, 1, 'down')}>↓</button>
            </li>
          );
        })}
      </ol>
    </Modal>
  );
}
