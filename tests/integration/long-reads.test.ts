// Issue 12: audit verification reads the whole log on a second, read-only connection in a worker of
// its own, so another desk user's calls are answered while it runs instead of waiting behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import type { RpcResponse } from '../../shared/api/envelope';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, tempDataDir, type RpcClient } from '../support/desk';

const ENTRIES = 20_000;
let desk: Awaited<ReturnType<typeof startDesk>>;
let manager: RpcClient;
/** The same manager on a second window. */
let managerElsewhere: RpcClient;
let other: RpcClient;

type Progress = { done: number; total: number };

/** The `audit.verify.progress` events this client received from `from` on (its events array's index). */
function progressOf(client: RpcClient, from = 0): Progress[] {
  return client.events.slice(from).filter((each) => each.event === 'audit.verify.progress').map((each) => each.payload as Progress);
}

/** Progress a person can follow: at least a start and an end, never going back, ending at the whole log. */
function expectProgressToTheEnd(progress: Progress[], entries: number): void {
  expect(progress.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < progress.length; i += 1) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
  for (const each of progress) expect(each.done).toBeLessThanOrEqual(each.total);
  expect(progress[0]!.total).toBeGreaterThan(ENTRIES);
  expect(progress.at(-1)).toEqual({ done: entries, total: entries });
}

beforeAll(async () => {
  const dataDir = tempDataDir('long-reads');
  const first = await startDesk({ dataDir });
  const setup = await connect(first);
  await setUpDesk(setup);
  expectOk(await setup.call('staff.create', { username: 'zhou.ping', displayName: '周平', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
  setup.close();
  await first.close();
  // A season of audit entries, written the way the core writes them (keyed chain, signed head).
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', clockStartMs: TEST_CLOCK_START });
  core.services.transact(() => {
    for (let i = 0; i < ENTRIES; i += 1) core.services.audit.append(null, 'customer.reveal', `cus_${i}`, { field: 'mobile', reason: 'test' });
  });
  core.close();
  desk = await startDesk({ dataDir });
  manager = await signedIn(desk, MANAGER.username, MANAGER.password);
  managerElsewhere = await signedIn(desk, MANAGER.username, MANAGER.password);
  other = await signedIn(desk, 'zhou.ping');
}, 120_000);

afterAll(async () => {
  manager.close();
  managerElsewhere.close();
  other.close();
  await desk.close();
});

describe('audit verification off the request path', () => {
  it("answers another user's calls while the whole log is verified, and still records the check", async () => {
    const order: string[] = [];
    const verifying = manager.call('audit.verify').then((result) => {
      order.push('verify');
      return result;
    });
    const search = other.call('customers.search', { query: '张', limit: 500 }).then((result) => {
      order.push('search');
      return result;
    });
    const ping = other.call('app.ping').then((result) => {
      order.push('ping');
      return result;
    });
    const [verified, searched, pinged] = await Promise.all([verifying, search, ping]);
    expect(expectOk(pinged).pong).toBe(true);
    expect(expectOk(searched)).toEqual([]);
    const result = expectOk(verified);
    expect(result).toMatchObject({ ok: true });
    expect(result.entries).toBeGreaterThan(ENTRIES);
    // The other user's calls were not held behind the verification.
    expect(order).toEqual(['search', 'ping', 'verify']);
    // The verification itself is on the record, written by the core after the reader answered.
    const [latest] = expectOk(await manager.call('audit.list', { limit: 1 }));
    expect(latest).toMatchObject({ action: 'audit.verify', details: { ok: true, entries: result.entries } });
  });

  it('runs concurrent verifications once each and answers all of them', async () => {
    const results = await Promise.all([manager.call('audit.verify'), manager.call('audit.verify')]);
    for (const each of results) expect(expectOk(each).ok).toBe(true);
  });

  it('tells the asker how far the verification is, before the answer, and no one else', async () => {
    const from = manager.events.length;
    const fromOther = other.events.length;
    // Progress events arrive before the answer on the same socket: counted when the answer comes.
    const verified = await manager.call('audit.verify').then((result) => ({ result, progress: progressOf(manager, from) }));
    const result = expectOk(verified.result);
    expect(result.ok).toBe(true);
    expectProgressToTheEnd(verified.progress, result.entries);
    expect(progressOf(other, fromOther)).toEqual([]);
    // The answer is still right, and the check is still on the record.
    const [latest] = expectOk(await manager.call('audit.list', { limit: 1 }));
    expect(latest).toMatchObject({ action: 'audit.verify', details: { ok: true, entries: result.entries } });
  });

  it('gives every asker of a shared run its progress', async () => {
    const from = [manager.events.length, managerElsewhere.events.length] as const;
    const answers = await Promise.all(
      [manager, managerElsewhere].map((client, index) => client.call('audit.verify').then((result) => ({ result, progress: progressOf(client, from[index]) }))),
    );
    for (const { result, progress } of answers) {
      const verified = expectOk(result);
      expect(verified.ok).toBe(true);
      expectProgressToTheEnd(progress, verified.entries);
    }
  });
});

describe('audit verification in-process (no reader worker)', () => {
  it('tells the asker how far it is too', async () => {
    const dataDir = tempDataDir('long-reads-inprocess');
    const events: Array<{ clientId: string | null; event: string; payload: unknown }> = [];
    const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', clockStartMs: TEST_CLOCK_START, emit: (clientId, event, payload) => events.push({ clientId, event, payload }) });
    try {
      let id = 1;
      const call = async (method: string, input: unknown = {}): Promise<RpcResponse['result']> => (await core.handle('window-1', { id: id++, method, input })).result;
      const setUp = await call('setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '1号柜台', manager: MANAGER });
      expect(setUp.ok).toBe(true);
      core.services.transact(() => {
        for (let i = 0; i < ENTRIES; i += 1) core.services.audit.append(null, 'customer.reveal', `cus_${i}`, { field: 'mobile', reason: 'test' });
      });
      const verified = await call('audit.verify');
      if (!verified.ok) throw new Error(verified.error.code);
      const result = verified.value as { ok: boolean; entries: number };
      expect(result.ok).toBe(true);
      const progress = events.filter((each) => each.event === 'audit.verify.progress');
      expect(progress.every((each) => each.clientId === 'window-1')).toBe(true);
      expectProgressToTheEnd(
        progress.map((each) => each.payload as Progress),
        result.entries,
      );
    } finally {
      core.close();
    }
  });
});
