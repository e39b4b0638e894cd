// Streaming EVTX reader (Windows XML Event Log), following libyal's "Windows XML Event Log
// (EVTX) format" document and the behaviour of the Rust `evtx` crate. See README.md.
//
//   const reader = readEvtx(path, { filter: (eventId, provider, channel) => … });
//   for (const item of reader) {
//     if (item.type === 'record') …       // EvtxRecord: normalized fields + data
//     else if (item.type === 'skipped') … // EvtxSkipped: rejected by the filter
//     else …                              // EvtxIssue: what was wrong, where
//   }
//   renderXml(record), renderJson(record)  // on demand
//   dumpEvtx(path, { xml, out, err })      // `longtail evtx-dump`

export { readEvtx, EvtxReader, isIssue, isRecord, isSkipped, type EvtxItem, type EvtxReadOptions, type EvtxReadStats } from './reader.js';
export { EvtxRecord, renderJson, renderXml, type EvtxFilter, type EvtxJson, type EvtxSkipped, type RecordIntegrity } from './record.js';
export { dumpEvtx, dumpJsonLine, type DumpOptions, type DumpSummary } from './dump.js';
export type { EvtxFileHeader } from './file-header.js';
export {
  EvtxBinXmlError,
  EvtxChunkHeaderError,
  EvtxCrcError,
  EvtxError,
  EvtxFileHeaderError,
  EvtxRecordHeaderError,
  EvtxTruncatedError,
  type EvtxIssue,
  type EvtxIssueKind,
} from './errors.js';
export { filetimeToIso, filetimeTicks, type Iso7 } from './time.js';
