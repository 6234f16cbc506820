import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, hasPermission, permissionsOf } from './roles';

describe('role × permission matrix', () => {
  it('gives staff management to managers only', () => {
    for (const role of ROLES) expect(hasPermission(role, 'staff.manage')).toBe(role === 'manager');
  });

  it('never lets a maintainer read or manage the staff roster (no customer data by default)', () => {
    expect(hasPermission('maintainer', 'staff.read')).toBe(false);
    expect(hasPermission('maintainer', 'staff.manage')).toBe(false);
  });

  it('only names known permissions', () => {
    for (const role of ROLES) for (const permission of permissionsOf(role)) expect(PERMISSIONS).toContain(permission);
  });
});
