// Small shared pieces: progress bars, figures, empty states, badges.
import type { ReactNode } from 'react';

export function ProgressBar({ value, label, busy = false }: { value: number; label: string; busy?: boolean }) {
  const pct = Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <div className={`progress ${busy ? 'busy' : ''}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct}%`}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div className="stat" title={hint}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return <span className={`badge ${tone}`} title={title}>{children}</span>;
}

export function statusTone(status: string): Tone {
  switch (status) {
    case 'complete': return 'ok';
    case 'duplicate': case 'ignored': return 'muted';
    case 'importing': return 'info';
    case 'incomplete': return 'warn';
    default: return 'bad';
  }
}

export function signatureTone(sig: string): Tone {
  return sig === 'trusted' ? 'ok' : sig === 'untrusted' ? 'bad' : 'muted';
}

/** A heading row for a screen. */
export function ScreenHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="screen-head">
      <h1>{title}</h1>
      <div className="screen-actions">{children}</div>
    </header>
  );
}
