// Spec 7.12: which service install (7045 ImagePath, 4697 ServiceFileName, Defender
// ServiceInstalled) started a service process, by image path on the same host.

const ENV: Array<[RegExp, string]> = [
  [/%SystemRoot%/gi, 'C:\\Windows'],
  [/%windir%/gi, 'C:\\Windows'],
  [/%ComSpec%/gi, 'C:\\Windows\\System32\\cmd.exe'],
  [/%SystemDrive%/gi, 'C:'],
  [/%ProgramFiles\(x86\)%/gi, 'C:\\Program Files (x86)'],
  [/%ProgramFiles%/gi, 'C:\\Program Files'],
];

/**
 * The executable an install's image path names, lowercased: variables expanded,
 * `\??\` stripped, `\SystemRoot\` mapped, then the quoted part, or everything up to
 * the first `.exe` followed by a space or the end.
 */
export function installExecutable(imagePath: string): string | null {
  let s = imagePath.trim();
  for (const [re, value] of ENV) s = s.replace(re, value);
  if (s.startsWith('\\??\\')) s = s.slice(4);
  if (/^\\SystemRoot\\/i.test(s)) s = 'C:\\Windows\\' + s.slice('\\SystemRoot\\'.length);
  let exe: string;
  if (s.startsWith('"')) {
    const end = s.indexOf('"', 1);
    exe = end > 0 ? s.slice(1, end) : s.slice(1);
  } else {
    const m = /^(.*?\.exe)(?=\s|$)/i.exec(s);
    exe = m ? m[1]! : s;
  }
  exe = exe.trim();
  return exe === '' ? null : exe.toLowerCase();
}

export interface InstallRow {
  time: string;
  exe: string | null;
}

/** True when the install names this process (bare names compare with the process name). */
export function installMatches(exe: string, processPath: string | null, processName: string | null): boolean {
  if (!exe.includes('\\') && !exe.includes('/')) return processName !== null && processName.toLowerCase() === exe;
  return processPath !== null && processPath.toLowerCase() === exe;
}

/** The latest matching install at or before the process start, from rows in time order. */
export function pickInstall<T extends InstallRow>(
  installs: readonly T[], start: string, processPath: string | null, processName: string | null,
): T | null {
  let best: T | null = null;
  for (const i of installs) {
    if (i.time > start) break;
    if (i.exe !== null && installMatches(i.exe, processPath, processName)) best = i;
  }
  return best;
}
