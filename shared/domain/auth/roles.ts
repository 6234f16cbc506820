/**
 * Roles and the role × permission matrix. The core enforces it on every RPC method; the renderer
 * only uses it to decide what to show. Roles follow docs/product.md "Who uses it".
 */
import { z } from 'zod';

export const ROLES = ['specialist', 'group_lead', 'manager', 'supervisor', 'maintainer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const PERMISSIONS = [
  /** See the staff roster (names, roles, certification). */
  'staff.read',
  /** Create staff, change roles and certification, reset passwords, unlock accounts. */
  'staff.manage',
  /** Change desk security settings (lockout, idle lock). */
  'settings.manage',
  /** Read the audit log and verify its chain. */
  'audit.read',
  /** See the sync status (outbox size, connection). */
  'sync.read',
  /** Enter customer information (walk-in, paper form, online); certified staff only, checked in the core. */
  'intake.create',
  /** Search customers and open their (masked) profile cards. */
  'customer.read',
  /** Show a masked value in full, with a reason that goes into the audit log. */
  'customer.reveal',
  /** Take part in review: cross-check, approve, final-review (the state machine checks which). */
  'review.act',
  /** Set up backups, back up now, run restore drills, make a new recovery key. */
  'backup.manage',
] as const;
export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

const MATRIX: Record<Role, readonly Permission[]> = {
  specialist: ['sync.read', 'intake.create', 'customer.read', 'review.act'],
  group_lead: ['staff.read', 'sync.read', 'intake.create', 'customer.read', 'customer.reveal', 'review.act'],
  manager: ['staff.read', 'staff.manage', 'settings.manage', 'audit.read', 'sync.read', 'intake.create', 'customer.read', 'customer.reveal', 'review.act', 'backup.manage'],
  supervisor: ['staff.read', 'audit.read', 'sync.read', 'customer.read', 'customer.reveal'],
  // Maintainers keep the desk running (settings, audit integrity) but never manage people.
  maintainer: ['settings.manage', 'audit.read', 'sync.read'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}
