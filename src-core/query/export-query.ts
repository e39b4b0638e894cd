// Issue 12: the hunt as configured (measures, thresholds, window, allowlist, path
// rules), written for the SIEM that holds the rest of the fleet. Pure: text in, text out.
import { esqlQuery } from './esql.js';
import { kqlQuery } from './kql.js';
import type { QueryExport, QueryRequest } from './query-types.js';

export type { KqlTarget, QueryDialect, QueryExport, QueryRequest } from './query-types.js';

export function exportHuntQuery(req: QueryRequest): QueryExport {
  if (req.dialect === 'esql') {
    const { text, warnings } = esqlQuery(req);
    return { dialect: 'esql', target: null, text, warnings, fileName: 'longtail-hunt.esql' };
  }
  const target = req.target ?? 'defender';
  const { text, warnings } = kqlQuery({ ...req, target });
  return { dialect: 'kql', target, text, warnings, fileName: `longtail-hunt-${target}.kql` };
}
