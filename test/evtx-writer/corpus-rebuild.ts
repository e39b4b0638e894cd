// Rebuilds a libevtx-rendered corpus record with the writer's builders: the rendered
// text of each Data value is turned back into the typed input its builder takes,
// the System origin (computer, time, ids, pids) copied. Writing the result and
// rendering it again must give the same record if the builder has Windows's shape.
import type { EventSpec, FieldInput, FieldTable, FieldValues, SecurityShape, SysmonEventId } from '../fixtures/evtx-writer/index.js';
import { SECURITY_EVENTS, SYSMON_EVENTS, SYSTEM_EVENTS, securityEvent, sysmonEvent, system7045 } from '../fixtures/evtx-writer/index.js';
import type { System7045 } from '../fixtures/evtx-writer/index.js';
import type { LibevtxRecord } from './libevtx.js';

function inputs(t: FieldTable, r: LibevtxRecord): { values: FieldValues; bits: 32 | 64 } {
  const values: Record<string, FieldInput> = {};
  let bits: 32 | 64 = 64;
  for (const d of r.data) {
    const f = t.find((x) => x.name === d.name);
    // A field the table does not know is left out, so the rebuilt record lacks it and differs.
    if (!f || d.name === null) continue;
    const x = d.text;
    switch (f.kind) {
      case 'uint16': case 'uint32': case 'hex32': values[d.name] = Number(x); break;
      case 'uint64': case 'hex64': values[d.name] = BigInt(x); break;
      case 'sizet': values[d.name] = BigInt(x); bits = x.length === 10 ? 32 : 64; break;
      case 'bool': values[d.name] = x === 'true'; break;
      default: values[d.name] = x;
    }
  }
  return { values, bits };
}

/** The builder's version of r, or null when no builder has r's provider, event and version. */
export function rebuild(r: LibevtxRecord): EventSpec | null {
  const o = {
    computer: r.computer, time: r.timeCreated.replace(/(\.\d{7})\d*Z$/, '$1Z'), recordId: BigInt(r.recordId),
    processId: Number(r.processId), threadId: Number(r.threadId), userId: r.userId, activityId: r.activityId,
  };
  if (r.provider === 'Microsoft-Windows-Sysmon' && r.eventId in SYSMON_EVENTS) {
    const id = r.eventId as SysmonEventId;
    if (String(SYSMON_EVENTS[id].version) !== r.version) return null;
    return sysmonEvent(id, o, inputs(SYSMON_EVENTS[id].fields, r).values);
  }
  if (r.provider === 'Microsoft-Windows-Security-Auditing') {
    const key = r.eventId === 4688 ? `4688v${r.version}` : String(r.eventId);
    if (!(key in SECURITY_EVENTS)) return null;
    const shape = key as SecurityShape;
    if (String(SECURITY_EVENTS[shape].version) !== r.version) return null;
    const { values, bits } = inputs(SECURITY_EVENTS[shape].fields, r);
    return securityEvent(shape, o, values, { pointerBits: bits });
  }
  if (r.provider === 'Service Control Manager' && r.eventId === 7045) {
    return system7045(o, inputs(SYSTEM_EVENTS['7045'].fields, r).values as System7045);
  }
  return null;
}
