// Choosing paths in either mode: the shell's native dialogs in Electron, the in-app
// picker (over fs.list) in the browser. `open` resolves with the paths, [] if cancelled.
import { useCallback, useState, type ReactNode } from 'react';
import { FilePicker, type FilePickerProps, type PickMode } from './FilePicker.js';

export interface PickRequest {
  mode: PickMode;
  title: string;
  startDir?: string | null;
  accept?: FilePickerProps['accept'];
  confirmLabel?: string;
}

export function usePicker(): [ReactNode, (req: PickRequest) => Promise<string[]>] {
  const [req, setReq] = useState<(PickRequest & { resolve: (p: string[]) => void }) | null>(null);
  const open = useCallback((r: PickRequest) => new Promise<string[]>((resolve) => setReq({ ...r, resolve })), []);
  const element = req ? (
    <FilePicker
      mode={req.mode}
      title={req.title}
      startDir={req.startDir ?? null}
      accept={req.accept}
      confirmLabel={req.confirmLabel}
      onPick={(paths) => {
        setReq(null);
        req.resolve(paths);
      }}
      onCancel={() => {
        setReq(null);
        req.resolve([]);
      }}
    />
  ) : null;
  return [element, open];
}
