/**
 * Who may do what. The server enforces it on every route (each declares one permission, or
 * 'public' / 'authenticated'); the console uses the same table to hide what a role cannot do.
 */
import type { Role } from './api.ts';

export const PERMISSIONS = {
  'workspace:read': ['owner', 'admin', 'operator', 'moderator', 'viewer'],
  'workspace:write': ['owner', 'admin'],
  'team:read': ['owner', 'admin', 'operator', 'moderator', 'viewer'],
  'team:write': ['owner', 'admin'],
  'groups:read': ['owner', 'admin', 'operator', 'moderator', 'viewer'],
  'groups:write': ['owner', 'admin', 'operator'],
  'rules:write': ['owner', 'admin', 'operator'],
  /** Group settings and policy templates (moderation thresholds for many groups at once). */
  'policies:write': ['owner', 'admin', 'operator'],
  /** Shequn's own chat admin lists: who may moderate from the chat. */
  'admins:write': ['owner', 'admin', 'operator'],
  'messages:send': ['owner', 'admin', 'operator', 'moderator'],
  'moderation:act': ['owner', 'admin', 'operator', 'moderator'],
  'contacts:read': ['owner', 'admin', 'operator', 'moderator', 'viewer'],
  'audit:read': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS | 'public' | 'authenticated';

export function allows(role: Role, permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
