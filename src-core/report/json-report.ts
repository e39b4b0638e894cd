// Spec section 6: `{ parameters, inputs, rows }`, camelCase, absent values null,
// sets as arrays.
import type { HuntReport } from '../model/hunt.js';

export function reportToJson(report: HuntReport): string {
  const { parameters, inputs, rows } = report;
  return JSON.stringify({ parameters, inputs, rows }, null, 2) + '\n';
}
