// An in-app confirmation (window.confirm is not used anywhere).
import { useCallback, useState, type ReactNode } from 'react';
import { Modal } from './Modal.js';

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
}

export function useConfirm(): [ReactNode, (req: ConfirmRequest) => Promise<boolean>] {
  const [req, setReq] = useState<(ConfirmRequest & { resolve: (ok: boolean) => void }) | null>(null);
  const ask = useCallback((r: ConfirmRequest) => new Promise<boolean>((resolve) => setReq({ ...r, resolve })), []);
  const done = (ok: boolean) => {
    req?.resolve(ok);
    setReq(null);
  };
  const element = req ? (
    <Modal
      title={req.title}
      onClose={() => done(false)}
      footer={
        <>
          <button type="button" onClick={() => done(false)}>Cancel</button>
          <button type="button" className={req.danger ? 'danger' : 'primary'} data-autofocus onClick={() => done(true)}>{req.confirm}</button>
        </>
      }
    >
      {req.body}
    </Modal>
  ) : null;
  return [element, ask];
}
