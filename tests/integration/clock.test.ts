// The injected clock: a test desk's core starts at TEST_CLOCK_START whatever today's date is, runs
// on normally from there, and carries on (not starting over) when a crashed core worker restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CLOCK_START, expectOk, staffedDesk, waitForEvent } from '../support/desk';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('fixed test clock', () => {
  it('starts the core at TEST_CLOCK_START and keeps it running forward across a worker restart', async () => {
    const staffed = await staffedDesk([]);
    close = staffed.close;
    const { desk, manager } = staffed;
    const before = expectOk(await manager.call('audit.list', { limit: 1 }))[0]!.at;
    expect(before).toBeGreaterThanOrEqual(TEST_CLOCK_START);
    expect(before).toBeLessThan(TEST_CLOCK_START + 10 * 60_000);

    const restarted = new Promise<void>((resolve) => desk.supervisor.once('restarted', () => resolve()));
    await desk.supervisor.crashForTesting();
    await restarted;
    await waitForEvent(manager, 'core.restarted');
    expectOk(await manager.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
    const after = expectOk(await manager.call('audit.list', { limit: 1 }))[0]!.at;
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBeLessThan(TEST_CLOCK_START + 10 * 60_000);
  });
});
