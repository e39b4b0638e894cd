// Eric Zimmerman's EvtxECmd output (issue 10 item 4): how a file or a JSON record is
// recognised as one, from its column names or keys, never from its file name.
//
// Facts taken from the EvtxECmd source, github.com/EricZimmerman/evtx at commit
// 03a7a1fba32760f20841bea3c12099169f9ecf2d (EvtxECmd 2026.5.0), read, not copied:
// - EvtxECmd/Program.cs writes the CSV with CsvHelper 33 (InvariantCulture: comma, CRLF,
//   a field quoted when it holds `"`, `,`, CR or LF or starts or ends with a space) through a
//   StreamWriter with Encoding.UTF8 (so a BOM). The header is the EventRecord property names:
//   RecordNumber, EventRecordId, TimeCreated, EventId, Level, Provider, Channel, ProcessId,
//   ThreadId, Computer, ChunkNumber, UserId, MapDescription, UserName, RemoteHost,
//   PayloadData1..6, ExecutableInfo, HiddenRecord, SourceFile, Keywords, ExtraDataOffset,
//   Payload (the order of 2026.5; older versions put ChunkNumber, Keywords and Payload
//   elsewhere, so columns are found by name).
// - TimeCreated is System/TimeCreated@SystemTime in UTC, written with the `--dt` format,
//   by default `yyyy-MM-dd HH:mm:ss.fffffff` (no zone: it is UTC).
// - `--json` writes one object per line (ServiceStack.Text `ToJson()` of the same record,
//   null properties left out, TimeCreated as ISO 8601 with `+00:00`, EventId and
//   RecordNumber numbers, EventRecordId a string) with the same `Payload` string.
// - Payload is the EventData (or UserData) element of the event XML turned into JSON by
//   Newtonsoft's `SerializeXmlNode`: see payload.ts.

/** The columns a row is mapped from; the others (PayloadData1..6, maps' text) are not read. */
export const EVTXECMD_FIELDS = ['EventId', 'EventRecordId', 'RecordNumber', 'TimeCreated', 'Provider', 'Channel', 'Computer', 'Payload'] as const;
export type EvtxECmdField = (typeof EVTXECMD_FIELDS)[number];

/** Columns only EvtxECmd writes (its maps' output): one of them must be there too. */
const OWN_COLUMNS = ['mapdescription', 'payloaddata1', 'executableinfo', 'chunknumber', 'extradataoffset', 'hiddenrecord'];
const CORE_COLUMNS = ['eventid', 'timecreated', 'computer'];

export type EvtxECmdHeader = 'evtxecmd' | 'evtxecmd-without-payload' | null;

/**
 * Whether CSV header names are EvtxECmd's: its event columns (EventId, TimeCreated,
 * Computer, EventRecordId or RecordNumber, Channel or Provider) and at least one column
 * of its maps (MapDescription, PayloadData1, …). Case-insensitive, as Timeline Explorer
 * matches them. A file without `Payload` is recognised but cannot be mapped.
 */
export function evtxecmdHeader(columns: readonly string[]): EvtxECmdHeader {
  const set = new Set(columns.map((c) => c.trim().toLowerCase()));
  if (!CORE_COLUMNS.every((c) => set.has(c))) return null;
  if (!set.has('eventrecordid') && !set.has('recordnumber')) return null;
  if (!set.has('channel') && !set.has('provider')) return null;
  if (!OWN_COLUMNS.some((c) => set.has(c))) return null;
  return set.has('payload') ? 'evtxecmd' : 'evtxecmd-without-payload';
}

/** Column index of each mapped field (case-insensitive); -1 when absent. */
export function fieldIndexes(header: readonly string[]): Record<EvtxECmdField, number> {
  const lower = header.map((c) => c.trim().toLowerCase());
  const out = {} as Record<EvtxECmdField, number>;
  for (const f of EVTXECMD_FIELDS) out[f] = lower.indexOf(f.toLowerCase());
  return out;
}

/**
 * An EvtxECmd `--json` record: its Payload next to EventId, RecordNumber or EventRecordId,
 * and TimeCreated. ServiceStack leaves out null properties, so Computer, Channel and
 * EventRecordId may be missing; EventId, RecordNumber and TimeCreated never are.
 * Security-Datasets lines (EventID, Hostname, no Payload) are not taken.
 */
export function isEvtxECmdDocument(doc: Readonly<Record<string, unknown>>): boolean {
  return 'Payload' in doc && 'EventId' in doc && 'TimeCreated' in doc && ('EventRecordId' in doc || 'RecordNumber' in doc);
}
