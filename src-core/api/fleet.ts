// The fleet view: service launches per day and host across the case, with the rare
// ones of the current hunt counted separately so the UI can highlight them.
import type { Db } from '../store/case-db.js';
import type { HuntParams } from '../model/hunt.js';
import { runHunt } from '../hunt/run-hunt.js';
import { windowBounds, windowSql } from '../hunt/window.js';
import type { FleetDay } from './contract.js';

export function fleetDays(db: Db, params: HuntParams): FleetDay[] {
  const report = runHunt(db, params, { enrich: false });
  const bounds = windowBounds(params.window, report.parameters.window.newest);
  const where = windowSql('i.start_time', bounds);
  const rows = db
    .prepare(
      `SELECT substr(i.start_time, 1, 10) AS day, h.key AS host, count(*) AS launches FROM instance i
         JOIN host h ON h.id = i.host_id WHERE i.is_service = 1 AND ${where.sql} GROUP BY day, h.key ORDER BY day, h.key`,
    )
    .all(...where.params) as Array<{ day: string; host: string; launches: number }>;
  const rare = new Map<string, number>();
  for (const r of report.rows) {
    const k = `${r.startTime.slice(0, 10)}\u0000${r.host}`;
    rare.set(k, (rare.get(k) ?? 0) + 1);
  }
  return rows.map((r) => ({ ...r, rare: rare.get(`${r.day}\u0000${r.host}`) ?? 0 }));
}
