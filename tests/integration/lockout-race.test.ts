// Sign-in attempts sent all at once cannot outrun the lockout; unknown usernames are not kept in
// clear; refused calls are summarised in the audit log instead of one entry each.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import type { AuditEntry } from '../../shared/api/contract';
import type { RpcResult } from '../../shared/api/envelope';
import { connect, expectOk, MANAGER, setUpDesk, startDesk, tempDataDir, type RpcClient } from '../support/desk';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function desk() {
  const host = await startDesk();
  const manager = await connect(host);
  await setUpDesk(manager);
  expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  stops.push(async () => {
    manager.close();
    await host.close();
  });
  return { host, manager };
}

async function auditOf(client: RpcClient): Promise<AuditEntry[]> {
  return expectOk(await client.call('audit.list', { limit: 500 }));
}

describe('sign-in under a burst of attempts', () => {
  it('checks at most maxFailedLogins of 60 concurrent attempts and refuses the right password sent last', async () => {
    const { host, manager } = await desk();
    const attacker = await connect(host);
    const attempts = Array.from({ length: 60 }, (_, index) => attacker.call('auth.login', { username: 'zhao.min', password: index === 59 ? 'Specialist1' : `wrong-pass-${index}` }));
    const codes = (await Promise.all(attempts)).map((result) => (result.ok ? 'ok' : result.error.code));
    expect(codes.slice(0, 5)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED']);
    expect(codes.slice(5)).toEqual(Array.from({ length: 55 }, () => 'ACCOUNT_LOCKED'));
    expect(expectOk(await attacker.call('auth.session')).state).toBe('none');

    const entries = await auditOf(manager);
    expect(entries.filter((entry) => entry.action === 'auth.login.failed')).toHaveLength(5);
    expect(entries.filter((entry) => entry.action === 'auth.lockout')).toHaveLength(1);
    // 55 refusals of the locked account from one client: the first in full, the rest only counted.
    expect(entries.filter((entry) => entry.action === 'auth.login.refused')).toHaveLength(1);
    const staff = expectOk(await manager.call('staff.list')).find((member) => member.username === 'zhao.min');
    expect(staff?.lockedUntil).not.toBeNull();
    expect(expectOk(await manager.call('audit.verify')).ok).toBe(true);
  });

  it('keeps only a keyed tag of an unknown username, the same tag for the same name', async () => {
    const { host, manager } = await desk();
    const typo = await connect(host);
    const other = await connect(host);
    // A password typed into the username box must not end up readable in the audit log.
    for (const client of [typo, other]) {
      const result = await client.call('auth.login', { username: 'hunter2secret', password: 'whatever-1' });
      expect(result.ok ? 'ok' : result.error.code).toBe('INVALID_CREDENTIALS');
    }
    const failed = (await auditOf(manager)).filter((entry) => entry.action === 'auth.login.failed');
    expect(failed).toHaveLength(2);
    expect(JSON.stringify(failed)).not.toContain('hunter2secret');
    const tags = failed.map((entry) => entry.details['usernameTag']);
    expect(tags[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(tags[1]).toBe(tags[0]);
    typo.close();
    other.close();
  });

  it('writes one entry for a burst of forbidden calls from one client and sums up the rest when the window ends', async () => {
    let now = Date.UTC(2026, 0, 15, 9, 0, 0);
    const core = openCore({ dataDir: tempDataDir('refusals'), keyHex: generateKeyHex(), appVersion: 'test', now: () => now });
    stops.push(async () => core.close());
    let id = 1;
    const call = async (clientId: string, method: string, input: unknown = {}) => (await core.handle(clientId, { id: id++, method, input })).result;
    expectOk(await call('manager', 'setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '1号柜台', manager: MANAGER }));
    const specialist = expectOk(
      (await call('manager', 'staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true })) as RpcResult<{ id: string }>,
    );
    expectOk(await call('desk-2', 'auth.login', { username: 'zhao.min', password: 'Specialist1' }));
    const results = await Promise.all(Array.from({ length: 30 }, () => call('desk-2', 'staff.list')));
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(Array.from({ length: 30 }, () => 'FORBIDDEN'));
    const audit = async () => expectOk((await call('manager', 'audit.list', { limit: 500 })) as RpcResult<AuditEntry[]>);
    expect((await audit()).filter((entry) => entry.action === 'rpc.forbidden')).toHaveLength(1);
    expect((await audit()).filter((entry) => entry.action === 'audit.refusals')).toHaveLength(0);

    now += 61_000;
    core.maintain();
    const entries = await audit();
    expect(entries.filter((entry) => entry.action === 'rpc.forbidden')).toHaveLength(1);
    expect(entries.filter((entry) => entry.action === 'audit.refusals')).toEqual([
      expect.objectContaining({ staffId: specialist.id, details: expect.objectContaining({ action: 'rpc.forbidden', more: 29 }) }),
    ]);
    // The next refusal after the window opens a new one, written in full again.
    await call('desk-2', 'staff.list');
    expect((await audit()).filter((entry) => entry.action === 'rpc.forbidden')).toHaveLength(2);
    expect(expectOk((await call('manager', 'audit.verify')) as RpcResult<{ ok: boolean }>).ok).toBe(true);
  });
});
