// Peak RSS of this process, in MB. On Linux from VmHWM, which starts afresh with the
// program: getrusage's maxRSS survives execve, so a measured child started by a bench
// that had grown (generating data, zipping it) would report the bench's own peak.
import fs from 'node:fs';

export function peakRssMB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return (Number(m[1]) * 1024) / 1e6;
  } catch {
    // not Linux
  }
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}
