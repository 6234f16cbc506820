// Issue 11 item 8: the entry's timer starts when the customer arrives (first detail typed, or the
// "customer arrived" key), not when an empty entry opens; the stored duration is measured from then.
// Time moves on across a restart (the desk clock is injected), never by waiting.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { customer } from '../support/backup';
import { connect, expectOk, setUpDesk, signedIn, startDesk, MANAGER, type RpcClient } from '../support/desk';

const TEN_MINUTES = 10 * 60_000;
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (stops.length > 0) await stops.pop()!();
});

async function deskWithOpenDrafts(): Promise<{ dataDir: string; waiting: string; idle: string }> {
  const host = await startDesk();
  const manager = await connect(host);
  await setUpDesk(manager);
  expectOk(await manager.call('auth.login', { username: MANAGER.username, password: MANAGER.password }));
  expectOk(await manager.call('staff.create', { username: 'staff.a', displayName: '甲', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
  const clerk = await signedIn(host, 'staff.a');
  // Two empty entries opened before the customers came; only the second customer's arrival is marked.
  const idle = expectOk(await clerk.call('intake.draft.start', { customerId: null })).id;
  const waiting = expectOk(await clerk.call('intake.draft.start', { customerId: null })).id;
  clerk.close();
  manager.close();
  await host.close();
  return { dataDir: host.dataDir, waiting, idle };
}

async function later(dataDir: string): Promise<RpcClient> {
  const host = await startDesk({ dataDir, clockOffsetMs: TEN_MINUTES });
  const client = await signedIn(host, 'staff.a');
  stops.push(async () => {
    client.close();
    await host.close();
  });
  return client;
}

describe('the walk-in timer', () => {
  it('measures the stored duration from the customer’s arrival, not from when the empty entry opened', async () => {
    const { dataDir, waiting, idle } = await deskWithOpenDrafts();
    const clerk = await later(dataDir);
    const consent = { ...defaultConsent(), idConsent: true };

    const { startedAt } = expectOk(await clerk.call('intake.draft.arrived', { id: waiting }));
    const arrivedEntry = expectOk(await clerk.call('intake.submit', { draftId: waiting, fields: customer(1), consent, customerId: null, customerPresent: true }));
    expect(arrivedEntry.durationMs).toBeLessThan(60_000);
    expect(arrivedEntry.flags).not.toContain('over_target');
    expect(startedAt).toBeGreaterThan(0);

    // Without the arrival, the entry counts from its opening (about ten minutes earlier), over the target.
    const idleEntry = expectOk(await clerk.call('intake.submit', { draftId: idle, fields: customer(2), consent, customerId: null, customerPresent: true }));
    expect(idleEntry.durationMs).toBeGreaterThan(TEN_MINUTES - 60_000);
    expect(idleEntry.flags).toContain('over_target');
  });

  it('refuses to start the timer of someone else’s entry', async () => {
    const { dataDir, waiting } = await deskWithOpenDrafts();
    const host = await startDesk({ dataDir });
    const manager = await signedIn(host, MANAGER.username, MANAGER.password);
    stops.push(async () => {
      manager.close();
      await host.close();
    });
    const result = await manager.call('intake.draft.arrived', { id: waiting });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('NOT_FOUND');
  });
});
