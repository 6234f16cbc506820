/**
 * Sign-in, lock, unlock, switch user and lockout after repeated failures. Every outcome is audited;
 * the password itself never leaves this module.
 */
import type { SessionInfo } from '../../../shared/api/contract';
import { permissionsOf } from '../../../shared/domain/auth/roles';
import { tagIdentifier } from '../crypto/desk-keys';
import { DomainError } from '../errors';
import type { Services } from '../services';
import type { StaffRecord } from '../staff/staff-repo';
import { isIdle, type Session } from './sessions';
import { decoyHash, verifyPassword } from './passwords';

export function sessionInfo(services: Services, session: Session | undefined): SessionInfo {
  if (!session) return { state: 'none' };
  const staff = services.staff.byId(session.staffId);
  if (!staff) return { state: 'none' };
  return {
    state: session.state,
    staff: { id: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role, certified: staff.certified, mustChangePassword: staff.mustChangePassword },
    permissions: [...permissionsOf(staff.role)],
    idleLockMs: idleLockMs(services),
  };
}

export function idleLockMs(services: Services): number {
  return services.config.security().idleLockMinutes * 60_000;
}

/** Lock a session that has been idle too long; called on every request and by a periodic sweep. */
export function lockIfIdle(services: Services, session: Session): void {
  const now = services.ctx.now();
  if (!isIdle(session, now, idleLockMs(services))) return;
  session.state = 'locked';
  services.audit.append(session.staffId, 'session.lock', session.staffId, { reason: 'idle' });
  services.audit.flushHead();
  services.emit(session.clientId, 'session.locked', { reason: 'idle' });
}

function retryAfter(record: StaffRecord, now: number): number | null {
  return record.lockedUntil !== null && record.lockedUntil > now ? record.lockedUntil - now : null;
}

/**
 * Attempts on one account run one after another, in the order they arrived. Without this, many
 * attempts sent at once would all be hashed before the first failure was counted, and a right
 * password sent after dozens of wrong ones would still sign in.
 */
const accountQueues = new WeakMap<Services, Map<string, Promise<void>>>();

function oneAtATime<T>(services: Services, accountId: string, work: () => Promise<T>): Promise<T> {
  let queues = accountQueues.get(services);
  if (!queues) {
    queues = new Map();
    accountQueues.set(services, queues);
  }
  const queue = queues;
  const run = (queue.get(accountId) ?? Promise.resolve()).then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queue.set(accountId, tail);
  void tail.then(() => {
    if (queue.get(accountId) === tail) queue.delete(accountId);
  });
  return run;
}

/**
 * Check a password against an account, counting failures towards a lockout. At most
 * `maxFailedLogins` wrong passwords are ever hashed before the account locks.
 */
export function checkPassword(services: Services, record: StaffRecord, password: string, action: string, clientId: string | null = null): Promise<void> {
  return oneAtATime(services, record.id, () => checkPasswordNow(services, record.id, password, action, clientId));
}

async function checkPasswordNow(services: Services, staffId: string, password: string, action: string, clientId: string | null): Promise<void> {
  const { now } = services.ctx;
  const record = services.staff.byId(staffId);
  if (!record) throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password');
  const lockedFor = retryAfter(record, now());
  if (lockedFor !== null) {
    const details = { reason: 'account_locked' };
    if (clientId === null) services.audit.append(record.id, `${action}.refused`, record.id, details);
    else services.refusals.record(clientId, record.id, `${action}.refused`, record.id, details);
    throw new DomainError('ACCOUNT_LOCKED', 'account is locked after repeated failed sign-ins', undefined, { retryAfterMs: lockedFor });
  }
  const ok = await verifyPassword(password, record.passwordHash);
  // Re-read after the await: a manager may have unlocked or changed the account meanwhile.
  const fresh = services.staff.byId(record.id) ?? record;
  if (ok) {
    if (fresh.failedCount > 0 || fresh.lockedUntil !== null) services.staff.setLoginState(record.id, 0, null);
    return;
  }
  const security = services.config.security();
  const failedCount = fresh.failedCount + 1;
  services.transact(() => {
    if (failedCount >= security.maxFailedLogins) {
      const lockedUntil = now() + security.lockoutMinutes * 60_000;
      services.staff.setLoginState(record.id, 0, lockedUntil);
      services.audit.append(record.id, `${action}.failed`, record.id, { attempt: failedCount });
      services.audit.append(null, 'auth.lockout', record.id, { minutes: security.lockoutMinutes });
    } else {
      services.staff.setLoginState(record.id, failedCount, null);
      services.audit.append(record.id, `${action}.failed`, record.id, { attempt: failedCount });
    }
  });
  if (failedCount >= security.maxFailedLogins) {
    throw new DomainError('ACCOUNT_LOCKED', 'too many failed attempts; the account is locked', undefined, { retryAfterMs: security.lockoutMinutes * 60_000 });
  }
  throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password', undefined, { attemptsLeft: security.maxFailedLogins - failedCount });
}

export async function login(services: Services, clientId: string, username: string, password: string): Promise<SessionInfo> {
  const record = services.staff.byUsername(username);
  if (!record || !record.active) {
    await verifyPassword(password, await decoyHash());
    // The username may be a password typed into the wrong box: only a keyed tag of it is kept.
    services.refusals.record(clientId, null, 'auth.login.failed', record ? record.id : null, {
      reason: record ? 'inactive' : 'unknown_user',
      usernameTag: tagIdentifier(services.keys.identifierTag, username),
    });
    throw new DomainError('INVALID_CREDENTIALS', 'wrong username or password');
  }
  await checkPassword(services, record, password, 'auth.login', clientId);
  const previous = services.sessions.get(clientId);
  const now = services.ctx.now();
  services.transact(() => {
    if (previous && previous.staffId !== record.id) {
      services.audit.append(record.id, 'auth.switch_user', record.id, { from: previous.staffId });
    }
    services.audit.append(record.id, 'auth.login', record.id);
  });
  return sessionInfo(services, services.sessions.start(clientId, record.id, now));
}

export async function unlock(services: Services, session: Session, password: string): Promise<SessionInfo> {
  const record = services.staff.byId(session.staffId);
  if (!record || !record.active) {
    services.sessions.end(session.clientId);
    throw new DomainError('UNAUTHENTICATED', 'this account can no longer sign in');
  }
  await checkPassword(services, record, password, 'session.unlock', session.clientId);
  session.state = 'active';
  session.lastActivity = services.ctx.now();
  services.audit.append(record.id, 'session.unlock', record.id);
  return sessionInfo(services, session);
}

export function lock(services: Services, session: Session): SessionInfo {
  session.state = 'locked';
  services.audit.append(session.staffId, 'session.lock', session.staffId, { reason: 'manual' });
  // A locked desk may be left alone for long: its signed audit head goes to disk now, not after the answer.
  services.audit.flushHead();
  return sessionInfo(services, session);
}

/**
 * The client's last window or tab closed: its session locks (audited), so whoever opens the desk
 * next on that client must enter the password again. A session that is already locked stays so.
 */
export function lockOnClientClosed(services: Services, clientId: string): void {
  const session = services.sessions.get(clientId);
  if (!session || session.state === 'locked') return;
  session.state = 'locked';
  services.audit.append(session.staffId, 'session.lock', session.staffId, { reason: 'client_closed' });
  services.audit.flushHead();
}

export function logout(services: Services, session: Session): SessionInfo {
  services.sessions.end(session.clientId);
  services.audit.append(session.staffId, 'auth.logout', session.staffId);
  return { state: 'none' };
}
