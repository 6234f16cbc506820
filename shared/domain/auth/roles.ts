/**
 * Roles and the role × permission matrix. The core enforces it on every RPC method; the renderer
 * only uses it to decide what to show. Roles follow docs/product.md "Who uses it".
 */
import { z } from 'zod';

export const ROLES = ['specialist', 'group_lead', 'manager', 'supervisor', 'maintainer'] as const;
export const roleSchema = z.enum(ROLES);
/** Roles that lead review: approve, assign cross-checks, settle conflicts. */
export const LEAD_ROLES = ['group_lead', 'manager'] as const satisfies readonly (typeof ROLES)[number][];
/** Roles that may cross-check a colleague's entry. */
export const CHECKER_ROLES = ['specialist', 'group_lead', 'manager'] as const satisfies readonly (typeof ROLES)[number][];
export const isLeadRole = (role: string): boolean => (LEAD_ROLES as readonly string[]).includes(role);
export const isCheckerRole = (role: string): boolean => (CHECKER_ROLES as readonly string[]).includes(role);
export type Role = z.infer<typeof roleSchema>;

export const PERMISSIONS = [
  /** See the staff roster (names, roles, certification). */
  'staff.read',
  /** Create staff, change roles and certification, reset passwords, unlock accounts. */
  'staff.manage',
  /** Desk upkeep settings (which optional fields the forms show); read the security settings. */
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
  /**
   * Change security settings (lockout, idle lock) and review policy. Managers only: a maintainer
   * keeps the desk running but must never be able to weaken who signs in or who approves what.
   */
  'policy.manage',
  /** Set up backups, back up now, run restore drills, make a new recovery key. */
  'backup.manage',
] as const;
export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

const MATRIX: Record<Role, readonly Permission[]> = {
  specialist: ['sync.read', 'intake.create', 'customer.read', 'review.act'],
  group_lead: ['staff.read', 'sync.read', 'intake.create', 'customer.read', 'customer.reveal', 'review.act'],
  manager: ['staff.read', 'staff.manage', 'settings.manage', 'audit.read', 'sync.read', 'intake.create', 'customer.read', 'customer.reveal', 'review.act', 'policy.manage', 'backup.manage'],
  supervisor: ['staff.read', 'audit.read', 'sync.read', 'customer.read', 'customer.reveal'],
  // Maintainers keep the desk running (field settings, audit integrity) but never manage people or policy.
  maintainer: ['settings.manage', 'audit.read', 'sync.read'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}
