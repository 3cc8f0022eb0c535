import type { Role } from '../../../src/shared/api.ts';

/**
 * Which roles may change what, as the server enforces it (src/server/auth.ts). The console only
 * uses it to hide or disable controls; the server still answers 403 on its own.
 */
const PERMISSIONS = {
  'workspace:write': ['owner', 'admin'],
  'team:write': ['owner', 'admin'],
  'groups:write': ['owner', 'admin', 'operator'],
  'rules:write': ['owner', 'admin', 'operator'],
  'messages:send': ['owner', 'admin', 'operator', 'moderator'],
  'audit:read': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
