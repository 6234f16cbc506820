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

  it('lets only managers change security settings and review policy (never a maintainer)', () => {
    for (const role of ROLES) expect(hasPermission(role, 'policy.manage'), role).toBe(role === 'manager');
  });

  it('only names known permissions', () => {
    for (const role of ROLES) for (const permission of permissionsOf(role)) expect(PERMISSIONS).toContain(permission);
  });
});

describe('customer data permissions', () => {
  it('never lets a maintainer read customers or enter records', () => {
    expect(hasPermission('maintainer', 'customer.read')).toBe(false);
    expect(hasPermission('maintainer', 'intake.create')).toBe(false);
  });

  it('lets specialists enter and search but not reveal masked values', () => {
    expect(hasPermission('specialist', 'intake.create')).toBe(true);
    expect(hasPermission('specialist', 'customer.read')).toBe(true);
    expect(hasPermission('specialist', 'customer.reveal')).toBe(false);
  });
});
