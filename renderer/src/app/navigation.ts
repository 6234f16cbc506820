/** Pages and who sees them. The core enforces the same permissions; this only hides what would be refused. */
import type { Permission } from '../../../shared/domain/auth/roles';

export const PAGES = [
  { id: 'home', permission: null },
  { id: 'walkin', permission: 'intake.create' },
  { id: 'search', permission: 'customer.read' },
  { id: 'review', permission: 'review.act' },
  { id: 'staff', permission: 'staff.read' },
  { id: 'settings', permission: 'settings.manage' },
  { id: 'audit', permission: 'audit.read' },
  { id: 'online', permission: 'intake.create' },
] as const satisfies ReadonlyArray<{ id: string; permission: Permission | null }>;

export type PageId = (typeof PAGES)[number]['id'];

export function pagesFor(permissions: readonly Permission[]): PageId[] {
  return PAGES.filter((page) => page.permission === null || permissions.includes(page.permission)).map((page) => page.id);
}
