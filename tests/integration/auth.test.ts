// Sign-in rules: lockout after repeated failures, unlock by the same person, switch user, audit.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, expectOk, MANAGER, setUpDesk, startDesk, type RpcClient } from '../support/desk';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function desk(clockOffsetMs?: number) {
  const host = await startDesk(clockOffsetMs === undefined ? {} : { clockOffsetMs });
  const client = await connect(host);
  stops.push(async () => {
    client.close();
    await host.close();
  });
  return { host, client };
}

async function withSpecialist(client: RpcClient): Promise<void> {
  expectOk(await client.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
}

describe('staff sign-in', () => {
  it('asks for setup first and refuses login before it', async () => {
    const { client } = await desk();
    expect(expectOk(await client.call('app.info')).setupRequired).toBe(true);
    const login = await client.call('auth.login', { username: 'anyone', password: 'whatever1' });
    expect(login.ok ? 'ok' : login.error.code).toBe('SETUP_REQUIRED');
    await setUpDesk(client);
    const info = expectOk(await client.call('app.info'));
    expect(info).toMatchObject({ setupRequired: false, siteName: '北大湖雪场', deskName: '1号柜台' });
    const again = await client.call('setup.initialize', { organisationName: 'x', siteName: 'y', deskName: 'z', manager: { ...MANAGER, username: 'other' } });
    expect(again.ok ? 'ok' : again.error.code).toBe('ALREADY_SET_UP');
  });

  it('locks an account for 5 minutes after 5 wrong passwords, even against the right one, and audits it', async () => {
    const { host, client } = await desk();
    await setUpDesk(client);
    await withSpecialist(client);
    const other = await connect(host);
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await other.call('auth.login', { username: 'zhao.min', password: 'wrong-pass-1' });
      codes.push(result.ok ? 'ok' : result.error.code);
    }
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED']);
    const right = await other.call('auth.login', { username: 'zhao.min', password: 'Specialist1' });
    expect(right.ok).toBe(false);
    if (!right.ok) {
      expect(right.error.code).toBe('ACCOUNT_LOCKED');
      expect(Number(right.error.details?.['retryAfterMs'])).toBeGreaterThan(4 * 60_000);
    }
    const audit = expectOk(await client.call('audit.list', { limit: 50 }));
    expect(audit.filter((entry) => entry.action === 'auth.login.failed')).toHaveLength(5);
    expect(audit.some((entry) => entry.action === 'auth.lockout')).toBe(true);
    const staff = expectOk(await client.call('staff.list')).find((s) => s.username === 'zhao.min');
    expect(staff?.lockedUntil).not.toBeNull();
    // A manager can lift the lock.
    expectOk(await client.call('staff.unlock', { id: staff!.id }));
    expectOk(await other.call('auth.login', { username: 'zhao.min', password: 'Specialist1' }));
    other.close();
  });

  it('lets the account sign in again once the lockout has passed (clock moved on across a restart)', async () => {
    const first = await desk();
    await setUpDesk(first.client);
    await withSpecialist(first.client);
    for (let attempt = 0; attempt < 5; attempt += 1) await first.client.call('auth.login', { username: 'zhao.min', password: 'wrong-pass-1' });
    const dataDir = first.host.dataDir;
    await stops.pop()!();
    const later = await startDesk({ dataDir, clockOffsetMs: 6 * 60_000 });
    const client = await connect(later);
    stops.push(async () => {
      client.close();
      await later.close();
    });
    expectOk(await client.call('auth.login', { username: 'zhao.min', password: 'Specialist1' }));
  });

  it('unlocks only with the signed-in person’s password, and switch user replaces the session', async () => {
    const { client } = await desk();
    await setUpDesk(client);
    await withSpecialist(client);
    expectOk(await client.call('auth.lock'));
    const wrong = await client.call('auth.unlock', { password: 'Specialist1' });
    expect(wrong.ok ? 'ok' : wrong.error.code).toBe('INVALID_CREDENTIALS');
    const session = expectOk(await client.call('auth.session'));
    expect(session.state).toBe('locked');
    const switched = expectOk(await client.call('auth.login', { username: 'zhao.min', password: 'Specialist1' }));
    expect(switched.state === 'active' && switched.staff.username).toBe('zhao.min');
    const audit = await client.call('audit.list', { limit: 10 });
    expect(audit.ok ? 'ok' : audit.error.code).toBe('FORBIDDEN');
  });

  it('keeps at least one active manager', async () => {
    const { client } = await desk();
    await setUpDesk(client);
    const me = expectOk(await client.call('auth.session'));
    if (me.state === 'none') throw new Error('not signed in');
    const result = await client.call('staff.update', { id: me.staff.id, role: 'specialist' });
    expect(result.ok ? 'ok' : result.error.code).toBe('CONFLICT');
    if (!result.ok) expect(result.error.fields).toEqual({ role: 'last_manager' });
  });
});
