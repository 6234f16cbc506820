// Issue 12: audit verification reads the whole log on a second, read-only connection in a worker of
// its own, so another desk user's calls are answered while it runs instead of waiting behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, tempDataDir, type RpcClient } from '../support/desk';

const ENTRIES = 20_000;
let desk: Awaited<ReturnType<typeof startDesk>>;
let manager: RpcClient;
let other: RpcClient;

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
  other = await signedIn(desk, 'zhou.ping');
}, 120_000);

afterAll(async () => {
  manager.close();
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
});
