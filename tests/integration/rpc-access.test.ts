// Every method, every role, over the real RPC path (WebSocket → browser host → core worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type MethodName } from '../../shared/api/contract';
import { ROLES, type Role } from '../../shared/domain/auth/roles';
import { connect, expectOk, setUpDesk, startDesk, type RpcClient } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
let manager: RpcClient;
const clients = new Map<Role, RpcClient>();
const methodNames = Object.keys(METHODS) as MethodName[];

const [SP, GL, MG, SV, MT] = ['specialist', 'group_lead', 'manager', 'supervisor', 'maintainer'] as const;
/**
 * Who may call what, written out as data (not derived from hasPermission, so a change to the
 * role matrix or to a method's access shows up here as a failing row). Public and session methods
 * are open to every role (their row says so); the rest need a permission only these roles hold.
 */
const EXPECTED_ACCESS: Record<MethodName, readonly Role[]> = {
  'app.ping': /* public */ [SP, GL, MG, SV, MT],
  'app.info': /* public */ [SP, GL, MG, SV, MT],
  'setup.initialize': /* public */ [SP, GL, MG, SV, MT],
  'auth.session': /* public */ [SP, GL, MG, SV, MT],
  'auth.login': /* public */ [SP, GL, MG, SV, MT],
  'auth.unlock': /* session_or_locked */ [SP, GL, MG, SV, MT],
  'auth.lock': /* session */ [SP, GL, MG, SV, MT],
  'auth.logout': /* session_or_locked */ [SP, GL, MG, SV, MT],
  'auth.heartbeat': /* session */ [SP, GL, MG, SV, MT],
  'auth.changePassword': /* session */ [SP, GL, MG, SV, MT],
  'staff.list': [GL, MG, SV],
  'backup.status': [MG],
  'backup.settings.update': [MG],
  'backup.now': [MG],
  'backup.drill': [MG],
  'backup.recoveryKey.pending': [MG],
  'backup.recoveryKey.confirm': [MG],
  'backup.recoveryKey.create': [MG],
  'backup.recoveryKey.show': [MG],
  'recovery.status': /* public */ [SP, GL, MG, SV, MT],
  'recovery.restore': /* public */ [SP, GL, MG, SV, MT],
  'staff.create': [MG],
  'staff.update': [MG],
  'staff.resetPassword': [MG],
  'staff.unlock': [MG],
  'settings.get': [MG, MT],
  'settings.update': [MG],
  'audit.list': [MG, SV, MT],
  'audit.verify': [MG, SV, MT],
  'sync.status': [SP, GL, MG, SV, MT],
  'sync.now': [SP, GL, MG, SV, MT],
  'sync.configure': [MG],
  'sync.register': [MG],
  'sync.enrol': [MG],
  'sync.previewPairing': [MG],
  'sync.approve': [MG],
  'sync.confirmPairing': [MG],
  'sync.revoke': [MG],
  'sync.rotate': [MG],
  'sync.recover': /* public */ [SP, GL, MG, SV, MT],
  'intake.config': /* session */ [SP, GL, MG, SV, MT],
  'intake.config.update': [MG, MT],
  'intake.draft.current': [SP, GL, MG],
  'intake.draft.start': [SP, GL, MG],
  'intake.draft.save': [SP, GL, MG],
  'intake.draft.arrived': [SP, GL, MG],
  'intake.draft.discard': [SP, GL, MG],
  'intake.draft.reveal': [SP, GL, MG],
  'intake.matches': [SP, GL, MG],
  'intake.submit': [SP, GL, MG],
  'intake.customerRecord': [SP, GL, MG],
  'customers.search': [SP, GL, MG, SV],
  'customers.card': [SP, GL, MG, SV],
  'customers.reveal': [GL, MG, SV],
  'review.settings.get': /* session */ [SP, GL, MG, SV, MT],
  'review.settings.update': [MG],
  'review.queues': [SP, GL, MG],
  'review.queuePage': [SP, GL, MG],
  'review.intake': [SP, GL, MG],
  'review.reveal': [SP, GL, MG],
  'review.settle': [SP, GL, MG],
  'customers.resolveConflict': [SP, GL, MG],
  'sync.quarantine': [MG, MT],
  'review.decide': [SP, GL, MG],
  'review.mine': [SP, GL, MG],
  'review.assign': [SP, GL, MG],
  'intake.registerOnline': [SP, GL, MG],
  'intake.resubmit': [SP, GL, MG],
  // Paper batches: opening and closing are for leads, which the service checks (FORBIDDEN for a specialist).
  'paper.batch.open': [SP, GL, MG],
  'paper.batch.list': /* session */ [SP, GL, MG, SV, MT],
  'paper.batch.get': [SP, GL, MG],
  'paper.sheet.mark': [SP, GL, MG],
  'paper.batch.close': [SP, GL, MG],
  'paper.form.pdf': [SP, GL, MG],
  'paper.scan.begin': [SP, GL, MG],
  'paper.scan.piece': [SP, GL, MG],
  'paper.scan.attach': [SP, GL, MG],
  'paper.scan.get': [SP, GL, MG],
  'paper.transcribe.open': [SP, GL, MG],
  'paper.transcribe.submit': [SP, GL, MG],
  // review.act, and the core lets only group leads and managers reconcile.
  'paper.reconcile.list': [GL, MG],
  'paper.reconcile.get': [SP, GL, MG],
  'paper.reconcile.decide': [SP, GL, MG],
  'paper.doubleEntry.get': /* session */ [SP, GL, MG, SV, MT],
  'paper.doubleEntry.update': [MG],
  'paper.figures': [GL, MG, SV],
  'paper.form.layout': [SP, GL, MG],
  'paper.scan.image': [SP, GL, MG],
  'paper.scan.file': [SP, GL, MG],
  'paper.scan.inbox': [SP, GL, MG],
  'paper.scan.assign': [SP, GL, MG],
  'paper.scanFolder.get': [MG, MT],
  // The permission lets a maintainer through the dispatcher; the core then refuses anyone but a manager.
  'paper.scanFolder.set': [MG, MT],
  'paper.scanFolder.check': [MG, MT],
  'online.settings': /* session */ [SP, GL, MG, SV, MT],
  'online.configure': [MG],
  'online.queue': [SP, GL, MG],
  'online.claim': [SP, GL, MG],
  'online.release': [SP, GL, MG],
  'online.load': [SP, GL, MG],
  'online.followUp': [SP, GL, MG],
  'online.attempt': [SP, GL, MG],
  'online.outcome': [SP, GL, MG],
  'online.followUp.detail': [SP, GL, MG],
};

beforeAll(async () => {
  desk = await startDesk();
  manager = await connect(desk);
  await setUpDesk(manager);
  for (const role of ROLES) {
    const username = `user.${role}`;
    expectOk(await manager.call('staff.create', { username, displayName: `测试${role}`, role, certified: true, password: 'Password123', passwordSetByStaff: true }));
    const client = await connect(desk);
    expectOk(await client.call('auth.login', { username, password: 'Password123' }));
    clients.set(role, client);
  }
});

afterAll(async () => {
  for (const client of [manager, ...clients.values()]) client.close();
  await desk.close();
});

describe('access control in the core', () => {
  it('refuses every non-public method without a session, with UNAUTHENTICATED', async () => {
    const anonymous = await connect(desk);
    for (const method of methodNames) {
      const result = await anonymous.raw(method, {});
      if (METHODS[method].access === 'public') continue;
      expect(result.ok, method).toBe(false);
      if (!result.ok) expect(result.error.code, method).toBe('UNAUTHENTICATED');
    }
    anonymous.close();
  });

  it('lists every method in the expected access table, open methods open to every role', () => {
    expect(Object.keys(EXPECTED_ACCESS).sort()).toEqual([...methodNames].sort());
    for (const method of methodNames) if (typeof METHODS[method].access !== 'object') expect(EXPECTED_ACCESS[method], method).toEqual(ROLES);
  });

  it('enforces the whole role × permission matrix', async () => {
    let checked = 0;
    for (const role of ROLES) {
      const client = clients.get(role);
      if (!client) throw new Error(`no client for ${role}`);
      for (const method of methodNames) {
        const access = METHODS[method].access;
        if (typeof access !== 'object') continue;
        const result = await client.raw(method, {});
        const allowed = EXPECTED_ACCESS[method].includes(role);
        const refused = !result.ok && result.error.code === 'FORBIDDEN';
        expect(refused, `${role} → ${method}`).toBe(!allowed);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(ROLES.length * 5);
  });

  it('refuses unknown methods, including prototype names', async () => {
    const client = clients.get('manager');
    for (const method of ['__proto__', 'constructor', 'toString', 'staff.drop']) {
      const result = await client!.raw(method, {});
      expect(result.ok ? 'ok' : result.error.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('answers bad input with VALIDATION naming the field', async () => {
    const result = await manager.call('staff.create', { username: 'X Y', displayName: '', role: 'specialist', certified: false, password: 'short', passwordSetByStaff: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(result.error.fields).toMatchObject({ username: 'username_format', displayName: 'required', password: 'password_too_short' });
    }
  });

  it('refuses everything but unlock and logout while locked', async () => {
    const client = clients.get('supervisor')!;
    expectOk(await client.call('auth.lock'));
    const list = await client.call('staff.list');
    expect(list.ok ? 'ok' : list.error.code).toBe('LOCKED');
    expectOk(await client.call('auth.unlock', { password: 'Password123' }));
    expectOk(await client.call('staff.list'));
  });
});
