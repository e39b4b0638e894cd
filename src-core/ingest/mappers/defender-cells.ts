// A Defender CSV row as classifyDefender and mapDefender read it, without an object of
// every cell (decision 73). A union export has 70-odd columns, most of them empty or of
// no use to the hunt; building an object of every non-empty cell cost more per row than
// mapping it, and gave rows as many shapes as there are patterns of empty cells. Here a
// row is an instance of one class holding the used columns only, so building it is a
// run of plain stores and the mapper's reads are plain property loads.
import type { DefenderRow } from './defender.js';

/**
 * The columns classifyDefender and mapDefender read, each a field below, no other:
 * test/mappers/defender-cells.test.ts reads every row of the corpus through a proxy and
 * fails on a column missing here, or listed here and never read.
 */
class UsedCells {
  readonly ActionType: string | undefined;
  readonly Type: string | undefined;
  readonly '$table': string | undefined;
  readonly TableName: string | undefined;
  readonly DeviceName: string | undefined;
  readonly Timestamp: string | undefined;
  readonly TimeGenerated: string | undefined;
  readonly ReportId: string | undefined;
  readonly InitiatingProcessId: string | undefined;
  readonly InitiatingProcessCreationTime: string | undefined;
  readonly InitiatingProcessFolderPath: string | undefined;
  readonly InitiatingProcessFileName: string | undefined;
  readonly InitiatingProcessCommandLine: string | undefined;
  readonly InitiatingProcessAccountDomain: string | undefined;
  readonly InitiatingProcessAccountName: string | undefined;
  readonly InitiatingProcessSHA256: string | undefined;
  readonly InitiatingProcessSHA1: string | undefined;
  readonly InitiatingProcessMD5: string | undefined;
  readonly InitiatingProcessSignatureStatus: string | undefined;
  readonly InitiatingProcessSignerType: string | undefined;
  readonly InitiatingProcessParentId: string | undefined;
  readonly InitiatingProcessParentCreationTime: string | undefined;
  readonly InitiatingProcessParentFileName: string | undefined;
  readonly ProcessId: string | undefined;
  readonly ProcessCreationTime: string | undefined;
  readonly FileName: string | undefined;
  readonly FolderPath: string | undefined;
  readonly ProcessCommandLine: string | undefined;
  readonly AccountDomain: string | undefined;
  readonly AccountName: string | undefined;
  readonly SHA256: string | undefined;
  readonly SHA1: string | undefined;
  readonly MD5: string | undefined;
  readonly Protocol: string | undefined;
  readonly RemoteIP: string | undefined;
  readonly RemotePort: string | undefined;
  readonly RemoteUrl: string | undefined;
  readonly LocalIP: string | undefined;
  readonly LocalPort: string | undefined;
  readonly AdditionalFields: string | undefined;

  constructor(f: readonly string[], p: Plan) {
    this.ActionType = cell(f, p.ActionType);
    this.Type = cell(f, p.Type);
    this['$table'] = cell(f, p['$table']);
    this.TableName = cell(f, p.TableName);
    this.DeviceName = cell(f, p.DeviceName);
    this.Timestamp = cell(f, p.Timestamp);
    this.TimeGenerated = cell(f, p.TimeGenerated);
    this.ReportId = cell(f, p.ReportId);
    this.InitiatingProcessId = cell(f, p.InitiatingProcessId);
    this.InitiatingProcessCreationTime = cell(f, p.InitiatingProcessCreationTime);
    this.InitiatingProcessFolderPath = cell(f, p.InitiatingProcessFolderPath);
    this.InitiatingProcessFileName = cell(f, p.InitiatingProcessFileName);
    this.InitiatingProcessCommandLine = cell(f, p.InitiatingProcessCommandLine);
    this.InitiatingProcessAccountDomain = cell(f, p.InitiatingProcessAccountDomain);
    this.InitiatingProcessAccountName = cell(f, p.InitiatingProcessAccountName);
    this.InitiatingProcessSHA256 = cell(f, p.InitiatingProcessSHA256);
    this.InitiatingProcessSHA1 = cell(f, p.InitiatingProcessSHA1);
    this.InitiatingProcessMD5 = cell(f, p.InitiatingProcessMD5);
    this.InitiatingProcessSignatureStatus = cell(f, p.InitiatingProcessSignatureStatus);
    this.InitiatingProcessSignerType = cell(f, p.InitiatingProcessSignerType);
    this.InitiatingProcessParentId = cell(f, p.InitiatingProcessParentId);
    this.InitiatingProcessParentCreationTime = cell(f, p.InitiatingProcessParentCreationTime);
    this.InitiatingProcessParentFileName = cell(f, p.InitiatingProcessParentFileName);
    this.ProcessId = cell(f, p.ProcessId);
    this.ProcessCreationTime = cell(f, p.ProcessCreationTime);
    this.FileName = cell(f, p.FileName);
    this.FolderPath = cell(f, p.FolderPath);
    this.ProcessCommandLine = cell(f, p.ProcessCommandLine);
    this.AccountDomain = cell(f, p.AccountDomain);
    this.AccountName = cell(f, p.AccountName);
    this.SHA256 = cell(f, p.SHA256);
    this.SHA1 = cell(f, p.SHA1);
    this.MD5 = cell(f, p.MD5);
    this.Protocol = cell(f, p.Protocol);
    this.RemoteIP = cell(f, p.RemoteIP);
    this.RemotePort = cell(f, p.RemotePort);
    this.RemoteUrl = cell(f, p.RemoteUrl);
    this.LocalIP = cell(f, p.LocalIP);
    this.LocalPort = cell(f, p.LocalPort);
    this.AdditionalFields = cell(f, p.AdditionalFields);
  }
}

/** For each used column, the header positions that carry it (more than one if repeated). */
type Plan = { readonly [K in keyof UsedCells]: readonly number[] };

/**
 * The value the object of every cell held: empty cells are absent (spec 7.4), and of a
 * repeated column the last non-empty cell wins.
 */
function cell(fields: readonly string[], at: readonly number[]): string | undefined {
  for (let k = at.length - 1; k >= 0; k--) {
    const v = fields[at[k]!];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

const USED = Object.keys(new UsedCells([], new Proxy({}, { get: () => [] }) as Plan)) as (keyof UsedCells)[];
export const DEFENDER_USED_COLUMNS: readonly string[] = USED;

/** Builds rows for a header whose names defenderColumn has normalized. */
export function defenderCells(columns: readonly string[]): (fields: readonly string[]) => DefenderRow {
  const plan: Partial<Record<keyof UsedCells, readonly number[]>> = {};
  for (const name of USED) plan[name] = columns.flatMap((c, i) => (c === name ? [i] : []));
  return (fields) => new UsedCells(fields, plan as Plan) as unknown as DefenderRow;
}
