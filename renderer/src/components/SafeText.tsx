// Attacker-controlled text, shown as text: hidden characters are made visible in a
// distinct style, never interpreted (no HTML, no bidi reordering).
import { memo } from 'react';
import { controlSegments, oneLine as toOneLine } from '../lib/controls.js';

export interface SafeTextProps {
  value: string | null | undefined;
  /** Table cells and labels: tabs and line breaks shown as \t, \n too. */
  oneLine?: boolean;
  /** Shown when the value is null or empty. */
  empty?: string;
  className?: string;
  /** Adds the full value as a tooltip (for ellipsized cells). */
  tooltip?: boolean;
}

export const SafeText = memo(function SafeText({ value, oneLine = false, empty = '—', className, tooltip = false }: SafeTextProps) {
  if (value === null || value === undefined || value === '') return <span className={`empty ${className ?? ''}`}>{empty}</span>;
  const parts = controlSegments(value, oneLine);
  const title = tooltip ? toOneLine(value) : undefined;
  if (parts.length === 1 && !parts[0]!.control) {
    return <span className={`safe ${className ?? ''}`} title={title}>{value}</span>;
  }
  return (
    <span className={`safe ${className ?? ''}`} title={title}>
      {parts.map((p, i) =>
        p.control ? (
          <span key={i} className="ctl" title="hidden or control character, shown as its code">{p.text}</span>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </span>
  );
});

/** Plain string form for attributes (title, aria-label): hidden characters escaped. */
export function safeAttr(value: string | null | undefined): string {
  return value ? toOneLine(value) : '';
}
