// Saving text the core returned (an allowlist export) as a file the user downloads.
// A data: URL, not a blob: one: the Electron shell lets only data:, file: and devtools:
// URLs through, and CSP does not govern downloads. Works in both modes; in Electron the
// shell's download handler asks where to save.

export function dataUrl(text: string, mime: string): string {
  return `data:${mime};charset=utf-8,${encodeURIComponent(text)}`;
}

export function downloadText(fileName: string, text: string, mime: string): void {
  const a = document.createElement('a');
  a.href = dataUrl(text, mime);
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
