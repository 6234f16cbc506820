// Issue 11 item 18: a password a manager set (a new account, a reset) must be changed at the next
// sign-in, and the core, not only the screen, refuses everything else until it is.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, expectOk, setUpDesk, signedIn, startDesk } from '../support/desk';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function deskWithManager() {
  const host = await startDesk();
  const manager = await connect(host);
  await setUpDesk(manager);
  stops.push(async () => {
    manager.close();
    await host.close();
  });
  return { host, manager };
}

const code = (result: { ok: boolean; error?: { code: string } }): string => (result.ok ? 'ok' : (result.error?.code ?? '?'));

describe('initial passwords', () => {
  it('a new account may do nothing but change its password, then works normally', async () => {
    const { host, manager } = await deskWithManager();
    const created = expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Initial2026' }));
    expect(created.mustChangePassword).toBe(true);

    const staff = await signedIn(host, 'zhao.min', 'Initial2026');
    stops.push(async () => staff.close());
    const session = expectOk(await staff.call('auth.session'));
    expect(session.state === 'active' && session.staff.mustChangePassword).toBe(true);
    expect(code(await staff.call('customers.search', { query: '1380' }))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(code(await staff.call('intake.draft.current', {}))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(code(await staff.call('staff.list'))).toBe('PASSWORD_CHANGE_REQUIRED');

    const same = await staff.call('auth.changePassword', { currentPassword: 'Initial2026', newPassword: 'Initial2026' });
    expect(same.ok ? null : same.error.fields).toEqual({ newPassword: 'same_as_current' });
    const wrong = await staff.call('auth.changePassword', { currentPassword: 'Wrong2026x', newPassword: 'MyOwn2026' });
    expect(wrong.ok ? null : wrong.error.fields).toEqual({ currentPassword: 'wrong_password' });

    expectOk(await staff.call('auth.changePassword', { currentPassword: 'Initial2026', newPassword: 'MyOwn2026' }));
    const after = expectOk(await staff.call('auth.session'));
    expect(after.state === 'active' && after.staff.mustChangePassword).toBe(false);
    expect(code(await staff.call('intake.draft.current', {}))).toBe('ok');

    // The old password is gone; the new one signs in straight to work.
    const again = await connect(host);
    stops.push(async () => again.close());
    expect(code(await again.call('auth.login', { username: 'zhao.min', password: 'Initial2026' }))).toBe('INVALID_CREDENTIALS');
    const fresh = expectOk(await again.call('auth.login', { username: 'zhao.min', password: 'MyOwn2026' }));
    expect(fresh.state === 'active' && fresh.staff.mustChangePassword).toBe(false);
  });

  it('a manager reset requires a change again; a password the staff typed at creation does not', async () => {
    const { host, manager } = await deskWithManager();
    const chosen = expectOk(await manager.call('staff.create', { username: 'li.na', displayName: '李娜', role: 'specialist', certified: true, password: 'Chosen2026', passwordSetByStaff: true }));
    expect(chosen.mustChangePassword).toBe(false);
    const staff = await signedIn(host, 'li.na', 'Chosen2026');
    stops.push(async () => staff.close());
    expect(code(await staff.call('intake.draft.current', {}))).toBe('ok');

    expectOk(await manager.call('staff.resetPassword', { id: chosen.id, password: 'Reset2026x' }));
    const listed = expectOk(await manager.call('staff.list')).find((member) => member.id === chosen.id);
    expect(listed?.mustChangePassword).toBe(true);
    // Even a session that was already open is held until the person chooses a password.
    expect(code(await staff.call('intake.draft.current', {}))).toBe('PASSWORD_CHANGE_REQUIRED');
    const relogged = await signedIn(host, 'li.na', 'Reset2026x');
    stops.push(async () => relogged.close());
    expect(code(await relogged.call('intake.draft.current', {}))).toBe('PASSWORD_CHANGE_REQUIRED');
    expectOk(await relogged.call('auth.changePassword', { currentPassword: 'Reset2026x', newPassword: 'Second2026' }));
    expect(code(await relogged.call('intake.draft.current', {}))).toBe('ok');

    const audit = expectOk(await manager.call('audit.list', { limit: 50 }));
    expect(audit.find((entry) => entry.action === 'staff.create' && entry.target === chosen.id)?.details['passwordSetBy']).toBe('staff');
    expect(audit.some((entry) => entry.action === 'auth.change_password' && entry.target === chosen.id && entry.details['initial'] === true)).toBe(true);
  });
});
