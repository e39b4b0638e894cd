// dumpEvtx (`longtail evtx-dump`): JSON lines byte-identical to the reference dumps, issues on
// the error stream with chunk and offset, and the XML view.

import { describe, expect, it } from 'vitest';
import { dumpEvtx, readEvtx, renderXml, type EvtxRecord } from '../../src-core/ingest/evtx/index.js';
import { DEVIATIONS, corpusFiles } from './evtx-corpus.js';

const files = corpusFiles();
const file = (name: string): string => {
  const f = files.find((x) => x.name === name);
  if (f === undefined) throw new Error(name);
  return f.path;
};

describe('dumpEvtx', () => {
  it('writes the reference dump lines byte for byte (Python json.dumps spacing, UTF-8 kept)', () => {
    for (const f of files) {
      const out: string[] = [];
      dumpEvtx(f.path, { out: (l) => out.push(l), err: () => {} });
      const dumped = new Set(out);
      const deviating = new Set(DEVIATIONS.filter((d) => d.file === f.name).map((d) => d.recordId));
      for (const [i, line] of f.dumpLines.entries()) {
        if (deviating.has(f.expected[i]?.recordId as number)) continue;
        expect(dumped.has(line), `${f.rel}: ${line.slice(0, 120)}`).toBe(true);
      }
    }
  }, 60_000);

  it('reports issues with chunk and file offset on the error stream', () => {
    const out: string[] = [];
    const err: string[] = [];
    const path = file('2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
    const summary = dumpEvtx(path, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(summary).toEqual({ records: 1910, skipped: 0, issues: 8 });
    expect(out).toHaveLength(1910);
    expect(err[0]).toBe(`${path}: chunk 0 offset 0x1034: crc: event records CRC-32 mismatch: stored 0x1739be28, computed 0x3bd09d76`);
    expect(err[1]).toBe(`${path}: chunk 0 offset 0xcfd0 record 6335011: record-header: record size 480 does not match its copy 1761629952`);
    const header = dumpEvtx(file('post-Security.evtx'), { out: () => {}, err: (l) => err.push(l) });
    expect(header.issues).toBe(1);
    expect(err.at(-1)).toMatch(/: file header offset 0x78: file-header: unknown file flags 0x1b970000$/);
  });

  it('writes the XML of each record in the evtxexport layout', () => {
    const out: string[] = [];
    dumpEvtx(file('security.evtx'), { xml: true, out: (l) => out.push(l), err: () => {} });
    expect(out).toHaveLength(2261);
    expect(out[1]).toBe(
      [
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">',
        '  <System>',
        '    <Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/>',
        '    <EventID>4624</EventID>',
        '    <Version>0</Version>',
        '    <Level>0</Level>',
        '    <Task>12544</Task>',
        '    <Opcode>0</Opcode>',
        '    <Keywords>0x8020000000000000</Keywords>',
        '    <TimeCreated SystemTime="2016-07-08T18:12:51.681640800Z"/>',
        '    <EventRecordID>2</EventRecordID>',
        '    <Correlation/>',
        '    <Execution ProcessID="456" ThreadID="460"/>',
        '    <Channel>Security</Channel>',
        '    <Computer>37L4247F27-25</Computer>',
        '    <Security/>',
        '  </System>',
        '  <EventData>',
        '    <Data Name="SubjectUserSid">S-1-0-0</Data>',
        '    <Data Name="SubjectUserName">-</Data>',
        '    <Data Name="SubjectDomainName">-</Data>',
        '    <Data Name="SubjectLogonId">0x0000000000000000</Data>',
        '    <Data Name="TargetUserSid">S-1-5-18</Data>',
        '    <Data Name="TargetUserName">SYSTEM</Data>',
        '    <Data Name="TargetDomainName">NT AUTHORITY</Data>',
        '    <Data Name="TargetLogonId">0x00000000000003e7</Data>',
        '    <Data Name="LogonType">0</Data>',
        '    <Data Name="LogonProcessName">-</Data>',
        '    <Data Name="AuthenticationPackageName">-</Data>',
        '    <Data Name="WorkstationName">-</Data>',
        '    <Data Name="LogonGuid">{00000000-0000-0000-0000-000000000000}</Data>',
        '    <Data Name="TransmittedServices">-</Data>',
        '    <Data Name="LmPackageName">-</Data>',
        '    <Data Name="KeyLength">0</Data>',
        '    <Data Name="ProcessId">0x0000000000000004</Data>',
        '    <Data Name="ProcessName"/>',
        '    <Data Name="IpAddress">-</Data>',
        '    <Data Name="IpPort">-</Data>',
        '  </EventData>',
        '</Event>',
      ].join('\n'),
    );
  });

  it('escapes markup in values, renders BinXML values and CDATA-free nesting as elements', () => {
    const byId = (path: string, id: number): EvtxRecord => {
      for (const item of readEvtx(path)) if (item.type === 'record' && item.recordId === id) return item;
      throw new Error(`no record ${id}`);
    };
    const liveId = renderXml(byId(file('2-system-Microsoft-Windows-LiveId%4Operational.evtx'), 2032));
    expect(liveId).toContain('<Data Name="Value">&lt;S:Envelope&gt;&lt;S:Header&gt;');
    const capi2 = renderXml(byId(file('E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx'), 5));
    expect(capi2).toContain(
      [
        '      <AdditionalInfo>',
        '        <NetworkConnectivityStatus value="1" _SENSAPI_NETWORK_ALIVE_LAN="true"/>',
        '        <Action name="NoProxy"/>',
        '        <Action name="NoProxy"/>',
        '        <HTTPRequestHeadersInfo>',
        '          <Header>GET /pki/crl/products/CSPCA.crl HTTP/1.1</Header>',
      ].join('\n'),
    );
  });
});
