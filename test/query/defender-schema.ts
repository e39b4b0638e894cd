// The Device* tables the exported KQL reads, column by column, as Microsoft documents
// them: Defender XDR advanced hunting (event time `Timestamp`) and the same tables in a
// Sentinel / Log Analytics workspace (event time `TimeGenerated`, no `Timestamp`). Taken
// from the Azure Monitor table reference (DeviceProcessEvents, DeviceNetworkEvents,
// DeviceFileEvents, DeviceImageLoadEvents, 2024). Only the process table lists the
// InitiatingProcessSignatureStatus / InitiatingProcessSignerType columns, so a query that
// reads them from another table fails analysis here, as it would in the product.

const INITIATING = [
  'InitiatingProcessAccountDomain:string', 'InitiatingProcessAccountName:string', 'InitiatingProcessAccountObjectId:string',
  'InitiatingProcessAccountSid:string', 'InitiatingProcessAccountUpn:string', 'InitiatingProcessCommandLine:string',
  'InitiatingProcessCreationTime:datetime', 'InitiatingProcessFileName:string', 'InitiatingProcessFileSize:long',
  'InitiatingProcessFolderPath:string', 'InitiatingProcessId:long', 'InitiatingProcessIntegrityLevel:string',
  'InitiatingProcessMD5:string', 'InitiatingProcessParentCreationTime:datetime', 'InitiatingProcessParentFileName:string',
  'InitiatingProcessParentId:long', 'InitiatingProcessSHA1:string', 'InitiatingProcessSHA256:string',
  'InitiatingProcessTokenElevation:string', 'InitiatingProcessVersionInfoCompanyName:string',
  'InitiatingProcessVersionInfoFileDescription:string', 'InitiatingProcessVersionInfoInternalFileName:string',
  'InitiatingProcessVersionInfoOriginalFileName:string', 'InitiatingProcessVersionInfoProductName:string',
  'InitiatingProcessVersionInfoProductVersion:string',
];
const DEVICE = ['ActionType:string', 'AppGuardContainerId:string', 'DeviceId:string', 'DeviceName:string', 'ReportId:long'];
const FILE = ['FileName:string', 'FolderPath:string', 'SHA1:string', 'SHA256:string', 'MD5:string', 'FileSize:long'];

const TABLES: Record<string, string[]> = {
  DeviceProcessEvents: [
    ...DEVICE, ...FILE, ...INITIATING, 'AdditionalFields:dynamic',
    'AccountDomain:string', 'AccountName:string', 'AccountObjectId:string', 'AccountSid:string', 'AccountUpn:string', 'LogonId:long',
    'InitiatingProcessLogonId:long', 'InitiatingProcessSignatureStatus:string', 'InitiatingProcessSignerType:string',
    'ProcessCommandLine:string', 'ProcessCreationTime:datetime', 'ProcessId:long', 'ProcessIntegrityLevel:string',
    'ProcessTokenElevation:string', 'ProcessVersionInfoCompanyName:string', 'ProcessVersionInfoFileDescription:string',
    'ProcessVersionInfoInternalFileName:string', 'ProcessVersionInfoOriginalFileName:string',
    'ProcessVersionInfoProductName:string', 'ProcessVersionInfoProductVersion:string',
  ],
  DeviceNetworkEvents: [
    ...DEVICE, ...INITIATING, 'AdditionalFields:dynamic', 'LocalIP:string', 'LocalIPType:string', 'LocalPort:int', 'Protocol:string',
    'RemoteIP:string', 'RemoteIPType:string', 'RemotePort:int', 'RemoteUrl:string',
  ],
  DeviceFileEvents: [
    ...DEVICE, ...FILE, ...INITIATING, 'AdditionalFields:dynamic', 'FileOriginIP:string', 'FileOriginReferrerUrl:string',
    'FileOriginUrl:string', 'IsAzureInfoProtectionApplied:bool', 'PreviousFileName:string', 'PreviousFolderPath:string',
    'RequestAccountDomain:string', 'RequestAccountName:string', 'RequestAccountSid:string', 'RequestProtocol:string',
    'RequestSourceIP:string', 'RequestSourcePort:int', 'SensitivityLabel:string', 'SensitivitySubLabel:string', 'ShareName:string',
  ],
  DeviceImageLoadEvents: [...DEVICE, ...FILE, ...INITIATING],
};

const SENTINEL_EXTRA = ['MachineGroup:string', 'SourceSystem:string', 'TenantId:string', 'TimeGenerated:datetime', 'Type:string'];

/** Table name → `(col:type, …)` schema text for the Kusto language service. */
export function deviceTables(target: 'defender' | 'sentinel'): Record<string, string> {
  const extra = target === 'defender' ? ['Timestamp:datetime'] : SENTINEL_EXTRA;
  return Object.fromEntries(Object.entries(TABLES).map(([t, cols]) => [t, `(${[...extra, ...cols].join(', ')})`]));
}
