// Worker thread of resolution (decision 69): reads the dirty hosts' process starts in one
// sorted scan through its own read-only connection, plans each host's instances (parents,
// merges, service processes, coverage) and sends the plans to the importing thread, which
// only stores them. The scan's sort and the planning were two thirds of resolution, done
// on the writer while the parse workers' core sat idle.
import { workerData } from 'node:worker_threads';
import { openReader } from '../store/case-db.js';
import { Abandoned, syncPoster } from '../ingest/sync-port.js';
import { hostReads, hostsSorted, planHost, type HostPlan } from './resolve.js';
import type { ResolveJob, ResolveMessage } from './resolve-client.js';

/** Process starts' plans per message: enough to make a message worth its cost, few enough to keep memory flat. */
const MESSAGE_ROWS = 5000;

const job = workerData as ResolveJob;
const post = syncPoster(job.port, job.signal);
const send = (m: ResolveMessage) => post(m);

try {
  const reader = openReader(job.path);
  try {
    const reads = hostReads(reader);
    let plans: HostPlan[] = [];
    let rows = 0;
    for (const h of hostsSorted(reader, job.hostIds)) {
      const plan = planHost(reads, h.hostId, h.rows);
      plans.push(plan);
      rows += plan.rows;
      if (rows >= MESSAGE_ROWS) {
        send({ type: 'plans', plans });
        plans = [];
        rows = 0;
      }
    }
    if (plans.length > 0) send({ type: 'plans', plans });
    send({ type: 'end' });
  } finally {
    reader.close();
  }
} catch (err) {
  if (!(err instanceof Abandoned)) {
    try {
      send({ type: 'error', message: (err as Error).message });
    } catch {
      // abandoned meanwhile: nobody is listening
    }
  }
} finally {
  job.port.close();
}
