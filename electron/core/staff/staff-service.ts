/** Staff accounts: first-run setup of the first manager, creation, role and certification changes. */
import type { MethodInput } from '../../../shared/api/contract';
import type { Staff } from '../../../shared/domain/auth/staff';
import { hashPassword } from '../auth/passwords';
import { DomainError } from '../errors';
import { createRecoveryKey } from '../backup/keyring';
import type { Services } from '../services';
import { toPublicStaff } from './staff-repo';

export function isSetUp(services: Services): boolean {
  return services.staff.count() > 0 && services.config.organisation() !== undefined;
}

export async function initializeDesk(services: Services, input: MethodInput<'setup.initialize'>): Promise<string> {
  if (isSetUp(services)) throw new DomainError('ALREADY_SET_UP', 'this desk is already set up');
  const passwordHash = await hashPassword(input.manager.password);
  const managerId = services.ctx.randomId('stf');
  services.transact(() => {
    if (isSetUp(services)) throw new DomainError('ALREADY_SET_UP', 'this desk is already set up');
    services.ops.append(managerId, { entity: 'config', entityId: 'organisation', changes: { organisationName: input.organisationName, siteName: input.siteName, organisationId: services.ctx.randomId('org') } });
    services.meta.set('desk_name', input.deskName);
    services.ops.append(managerId, {
      entity: 'staff',
      entityId: managerId,
      changes: { username: input.manager.username, displayName: input.manager.displayName, role: 'manager', certified: true, active: true, passwordHash, createdAt: services.ctx.now() },
    });
    services.audit.append(managerId, 'setup.initialize', managerId, { deviceId: services.ctx.deviceId });
    // The organisation's recovery key, shown once to be printed (docs/decisions/0009-backups.md).
    createRecoveryKey(services, managerId);
  });
  return managerId;
}

export async function createStaff(services: Services, actorId: string, input: MethodInput<'staff.create'>): Promise<Staff> {
  if (services.staff.byUsername(input.username.trim().toLowerCase())) {
    throw new DomainError('CONFLICT', 'username already in use', { username: 'username_taken' });
  }
  const passwordHash = await hashPassword(input.password);
  const id = services.ctx.randomId('stf');
  services.transact(() => {
    if (services.staff.byUsername(input.username)) throw new DomainError('CONFLICT', 'username already in use', { username: 'username_taken' });
    services.ops.append(actorId, {
      entity: 'staff',
      entityId: id,
      changes: {
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        certified: input.certified,
        active: true,
        passwordHash,
        createdAt: services.ctx.now(),
        mustChangePassword: input.passwordSetByStaff !== true,
      },
    });
    services.audit.append(actorId, 'staff.create', id, { role: input.role, certified: input.certified, passwordSetBy: input.passwordSetByStaff === true ? 'staff' : 'manager' });
  });
  return publicStaff(services, id);
}

export function updateStaff(services: Services, actorId: string, input: MethodInput<'staff.update'>): Staff {
  return services.transact(() => {
    const current = services.staff.byId(input.id);
    if (!current) throw new DomainError('NOT_FOUND', 'no such staff member');
    const changes: Record<string, string | boolean> = {};
    if (input.displayName !== undefined && input.displayName !== current.displayName) changes['displayName'] = input.displayName;
    if (input.role !== undefined && input.role !== current.role) changes['role'] = input.role;
    if (input.certified !== undefined && input.certified !== current.certified) changes['certified'] = input.certified;
    if (input.active !== undefined && input.active !== current.active) changes['active'] = input.active;
    if (Object.keys(changes).length === 0) return toPublicStaff(current, services.ctx.now());
    const losesManager = current.role === 'manager' && current.active && (changes['role'] !== undefined || changes['active'] === false);
    if (losesManager && services.staff.activeManagerCount() <= 1) {
      throw new DomainError('CONFLICT', 'the desk must keep at least one active manager', changes['role'] !== undefined ? { role: 'last_manager' } : { active: 'last_manager' });
    }
    services.ops.append(actorId, { entity: 'staff', entityId: current.id, changes });
    const audited = { ...changes };
    delete audited['displayName'];
    services.audit.append(actorId, 'staff.update', current.id, { ...audited, fields: Object.keys(changes).join(',') });
    if (changes['active'] === false) {
      for (const session of services.sessions.all()) if (session.staffId === current.id) services.sessions.end(session.clientId);
    }
    return publicStaff(services, current.id);
  });
}

export async function resetPassword(services: Services, actorId: string, id: string, password: string): Promise<void> {
  if (!services.staff.byId(id)) throw new DomainError('NOT_FOUND', 'no such staff member');
  const passwordHash = await hashPassword(password);
  services.transact(() => {
    // The manager knows this password: the person chooses their own at the next sign-in.
    services.ops.append(actorId, { entity: 'staff', entityId: id, changes: { passwordHash, mustChangePassword: true } });
    services.staff.setLoginState(id, 0, null);
    services.audit.append(actorId, 'staff.reset_password', id);
  });
}

export async function changeOwnPassword(services: Services, staffId: string, newPassword: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  services.transact(() => {
    const wasRequired = services.staff.byId(staffId)?.mustChangePassword === true;
    services.ops.append(staffId, { entity: 'staff', entityId: staffId, changes: { passwordHash, ...(wasRequired ? { mustChangePassword: false } : {}) } });
    services.audit.append(staffId, 'auth.change_password', staffId, wasRequired ? { initial: true } : {});
  });
}

export function unlockAccount(services: Services, actorId: string, id: string): Staff {
  return services.transact(() => {
    if (!services.staff.byId(id)) throw new DomainError('NOT_FOUND', 'no such staff member');
    services.staff.setLoginState(id, 0, null);
    services.audit.append(actorId, 'staff.unlock', id);
    return publicStaff(services, id);
  });
}

function publicStaff(services: Services, id: string): Staff {
  const record = services.staff.byId(id);
  if (!record) throw new DomainError('NOT_FOUND', 'no such staff member');
  return toPublicStaff(record, services.ctx.now());
}
