// Chart colours follow the light or dark theme (SVG attributes cannot use CSS variables
// everywhere, so the palette is read from the stylesheet and re-read when the OS switches).
import { useEffect, useState } from 'react';

export interface Palette {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  panel: string;
  accent: string;
  rare: string;
  lanes: Record<string, string>;
  /** Process-start coverage by source (the Import screen's coverage chart). */
  coverage: Record<'sysmon' | 'security' | 'defender' | 'elastic' | 'several', string>;
}

const read = (): Palette => {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#1d2127'),
    muted: v('--muted', '#667'),
    grid: v('--line', '#ccd'),
    bg: v('--bg', '#fff'),
    panel: v('--panel', '#f6f7f9'),
    accent: v('--accent', '#2563eb'),
    rare: v('--rare', '#d9480f'),
    lanes: {
      service: v('--lane-service', '#9c36b5'),
      start: v('--lane-start', '#2563eb'),
      child: v('--lane-child', '#d9480f'),
      network: v('--lane-network', '#0c8599'),
      file: v('--lane-file', '#5c940d'),
      dll: v('--lane-dll', '#e67700'),
      end: v('--lane-end', '#868e96'),
    },
    coverage: {
      sysmon: v('--cov-sysmon', '#2457c5'),
      security: v('--cov-security', '#0b7285'),
      defender: v('--cov-defender', '#9c36b5'),
      elastic: v('--cov-elastic', '#d97706'),
      several: v('--cov-several', '#5c6f91'),
    },
  };
};

export function usePalette(): Palette {
  const [palette, setPalette] = useState<Palette>(read);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => setPalette(read());
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return palette;
}
