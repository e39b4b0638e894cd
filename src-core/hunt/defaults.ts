// Defaults the user can edit per case (spec section 3).
import type { AllowEntryInput, PathRuleInput } from '../model/hunt.js';

/** The KQL seed's WhiteList, matched by service process name (spec 7.6). */
export const DEFAULT_ALLOWLIST: readonly AllowEntryInput[] = [
  'svchost.exe',
  'mssense.exe',
  'msmpeng.exe',
  'searchindexer.exe',
  'microsoftedgeupdate.exe',
].map((value) => ({ kind: 'name' as const, value, hosts: null, reason: 'Default (KQL seed WhiteList)', enabled: true }));

/** The ES|QL seed's two replace() calls, in order (spec section 3). */
export const DEFAULT_PATH_RULES: readonly PathRuleInput[] = [
  {
    pattern:
      '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|ns[a-z][A-Z0-9]{3,4}\\.tmp|DX[A-Z0-9]{3,4}\\.tmp|7z[A-Z0-9]{3,5}\\.tmp|[0-9\\.\\-\\_]{3,})',
    replacement: '',
    description: 'Remove GUIDs, installer temp names and runs of 3+ digits/dots/dashes/underscores',
    enabled: true,
  },
  {
    pattern: '[cC]:\\\\[uU][sS][eE][rR][sS]\\\\[a-zA-Z0-9\\.\\-\\_\\$~]+\\\\',
    replacement: 'C:\\users\\user\\',
    description: 'Fold user profile folders into C:\\users\\user\\',
    enabled: true,
  },
];
