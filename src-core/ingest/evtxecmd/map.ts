// One EvtxECmd row (CSV) or record (`--json`) → hunt events, through the same Windows
// mapper and with the same duplicate key as the record read from the EVTX file itself:
// a log imported both ways is stored once (spec section 1: same host, channel and
// EventRecordID; decision 42).
import { parseTime } from '../../normalize/time.js';
import { clean, hostKey } from '../../normalize/values.js';
import { RecordError, skip, type MapResult } from '../mappers/types.js';
import { isUsedWinEvent, mapWinEvent, unusedReason, winFamily } from '../mappers/windows-event.js';
import type { EvtxECmdField } from './format.js';
import { payloadData } from './payload.js';

/** The fields a row is mapped from: CSV cells (text) or `--json` values (text or numbers). */
export type EvtxECmdFields = Partial<Record<EvtxECmdField, unknown>>;

/**
 * The EVTX duplicate key. It must stay equal to the one record-stream.ts `evtxStream`
 * gives the same record (`evtx|${hostKey(computer)}|${channel.toLowerCase()}|${recordId}`):
 * test/evtxecmd/evtxecmd-import.test.ts imports both and checks nothing is stored twice.
 */
export function evtxDedupeKey(computer: string, channel: string, recordId: string): string {
  return `evtx|${hostKey(computer)}|${channel.toLowerCase()}|${recordId}`;
}

/** A cell as text: CSV cells are strings, `--json` values may be numbers. */
function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
}

/** A decimal record number without leading zeros (as the EVTX reader's number prints); null when not one. */
function recordNumber(v: unknown): string | null {
  const t = clean(v)?.trim();
  if (t === undefined || !/^\d+$/.test(t)) return null;
  const n = t.replace(/^0+(?=\d)/, '');
  return n === '0' ? null : n;
}

/**
 * Values the hunt keeps as text whose EvtxECmd spelling differs from the EVTX reader's
 * (decision 44): 4697 ServiceType is a HexInt32, `0x10` in EvtxECmd, `0x00000010` from EVTX.
 */
function evtxSpelling(family: string, eventId: number, data: Record<string, string>): void {
  if (family === 'security' && eventId === 4697) {
    const v = data['ServiceType'];
    if (v !== undefined && /^0x[0-9a-f]{1,8}$/i.test(v)) data['ServiceType'] = `0x${v.slice(2).toLowerCase().padStart(8, '0')}`;
  }
}

export function mapEvtxECmd(f: EvtxECmdFields, ref: string): MapResult {
  const idText = clean(f.EventId)?.trim() ?? '';
  const eventId = /^\d+$/.test(idText) ? Number(idText) : NaN;
  if (!Number.isSafeInteger(eventId)) throw new RecordError('bad or missing EventId', idText || null);
  const provider = text(f.Provider).trim() || null;
  // EvtxECmd takes Channel as the text node after the element's start (whitespace when the
  // element is empty): trimmed, it is the EVTX reader's channel.
  const channel = text(f.Channel).trim();
  // Skipped on the row's own columns, before the Payload is parsed (decision 27's rule).
  if (!isUsedWinEvent(eventId, provider, channel)) return skip(unusedReason(eventId, provider, channel));
  // EventRecordId is System/EventRecordID; RecordNumber the record header's number, which
  // is what the EVTX reader falls back to when EventRecordID is missing or 0.
  const recordId = recordNumber(f.EventRecordId) ?? recordNumber(f.RecordNumber);
  if (recordId === null) throw new RecordError('bad or missing EventRecordId', clean(f.EventRecordId) ?? null);
  const rawTime = f.TimeCreated;
  const t = parseTime(rawTime);
  // Zone-less CSV times are UTC: EvtxECmd converts TimeCreated to UTC before writing it.
  if (!t) throw new RecordError('bad or missing TimeCreated', clean(rawTime) ?? null);
  const data = payloadData(f.Payload);
  evtxSpelling(winFamily(provider, channel), eventId, data);
  // An empty Computer is the Windows mapper's bad record ('no computer name'), as from EVTX.
  const computer = text(f.Computer).trim();
  return mapWinEvent({
    eventId, provider, channel, computer, time: t.iso, recordId, data, ref,
    dedupeKey: evtxDedupeKey(computer, channel, recordId),
  });
}
