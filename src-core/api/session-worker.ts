// Worker thread running a Session: the host posts { id, name, args } (already
// validated) and gets { id, result } or { id, error } back.
import { parentPort, workerData } from 'node:worker_threads';
import { Session, type SessionName, type SessionOptions } from './session.js';
import { ApiError, type ApiArgs } from './contract.js';

export interface SessionRequest {
  id: number;
  name: SessionName | '__close';
  args: unknown;
}

export type SessionReply =
  | { id: number; result: unknown }
  | { id: number; error: { kind: ApiError['kind']; message: string } };

const session = new Session(workerData as SessionOptions);
const port = parentPort!;

port.on('message', (req: SessionRequest) => {
  try {
    if (req.name === '__close') {
      session.close();
      port.postMessage({ id: req.id, result: null } satisfies SessionReply);
      return;
    }
    const result = session.handle(req.name, req.args as ApiArgs<SessionName>);
    port.postMessage({ id: req.id, result } satisfies SessionReply);
  } catch (err) {
    const kind = err instanceof ApiError ? err.kind : 'failed';
    port.postMessage({ id: req.id, error: { kind, message: (err as Error).message } } satisfies SessionReply);
  }
});
