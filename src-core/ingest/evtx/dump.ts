// `longtail evtx-dump FILE... [--xml]`: one JSON object per record per line, in the shape and
// text of the reference dumps (key order recordId, eventId, provider, channel, computer,
// timeCreated, data; Python json.dumps spacing, non-ASCII kept), or the XML of each record.
// Issues go to `err` with chunk and file offset.

import type { EvtxIssue } from './errors.js';
import { readEvtx, type EvtxReadOptions } from './reader.js';
import { renderJson, renderXml, type EvtxJson } from './record.js';

export interface DumpOptions extends EvtxReadOptions {
  xml?: boolean;
  /** Gets one record per call: a JSON line, or the record's XML (several lines); no trailing newline. */
  out: (line: string) => void;
  /** Gets one issue per call, `FILE: chunk N offset 0x…[ record R]: kind: message`; no trailing newline. */
  err: (line: string) => void;
}

export interface DumpSummary {
  records: number;
  skipped: number;
  issues: number;
}

/** One dump line: `{"recordId": 1, "eventId": 4608, …, "data": {"Name": "value"}}`. */
export function dumpJsonLine(j: EvtxJson): string {
  let data = '';
  for (const k of Object.keys(j.data)) {
    data += `${data === '' ? '' : ', '}${JSON.stringify(k)}: ${JSON.stringify(j.data[k])}`;
  }
  return (
    `{"recordId": ${j.recordId}, "eventId": ${j.eventId}, "provider": ${JSON.stringify(j.provider)}, ` +
    `"channel": ${JSON.stringify(j.channel)}, "computer": ${JSON.stringify(j.computer)}, ` +
    `"timeCreated": ${JSON.stringify(j.timeCreated)}, "data": {${data}}}`
  );
}

export function issueLine(path: string, i: EvtxIssue): string {
  const where = i.chunk === null ? 'file header' : `chunk ${i.chunk}`;
  const rec = i.recordId === undefined ? '' : ` record ${i.recordId}`;
  return `${path}: ${where} offset 0x${i.offset.toString(16)}${rec}: ${i.kind}: ${i.message}`;
}

/** Dumps one file. Only a file that cannot be opened throws; bad data is reported via `err`. */
export function dumpEvtx(path: string, opts: DumpOptions): DumpSummary {
  const summary: DumpSummary = { records: 0, skipped: 0, issues: 0 };
  const readOpts: EvtxReadOptions = {};
  if (opts.filter) readOpts.filter = opts.filter;
  if (opts.recover !== undefined) readOpts.recover = opts.recover;
  for (const item of readEvtx(path, readOpts)) {
    if (item.type === 'record') {
      summary.records++;
      if (opts.xml) {
        let xml = '';
        try {
          xml = renderXml(item);
        } catch (e) {
          opts.err(`${path}: chunk ${item.chunk} offset 0x${item.offset.toString(16)} record ${item.recordId}: cannot render XML: ${String(e)}`);
          continue;
        }
        opts.out(xml.endsWith('\n') ? xml.slice(0, -1) : xml);
      } else {
        opts.out(dumpJsonLine(renderJson(item)));
      }
    } else if (item.type === 'skipped') summary.skipped++;
    else {
      summary.issues++;
      opts.err(issueLine(path, item));
    }
  }
  return summary;
}
