// Issue 10, items 8 and 9: a real central server (Fastify + PGlite in a temp folder) and two desks
// (browser host + core worker + SQLCipher database each, their own data folders). Desk 2 is paired
// in its Settings by the 6-digit check code; an intake typed at desk 1 is cross-checked and approved
// at desk 2 in Chromium and shows valid at desk 1; then the server is cut off mid-push (a proxy
// cuts the connection after the server took the push, before the desk hears the answer) and restarted.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, newDeskPage, signInWithKeyboard, typeCredentials } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startCutProxy, type CutProxy } from '../support/cut-proxy';
import { startSyncServer, type SyncServer } from '../support/sync-server';
import { typeWalkIn } from '../support/walk-in';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let browser: Browser;
const pages: Page[] = [];
const desks: Desk[] = [];
const clients: RpcClient[] = [];
let server: SyncServer | null = null;
const proxies: CutProxy[] = [];
const SLOW = { timeout: 60_000, interval: 250 };

const fields = (overrides: Partial<IntakeFields>): IntakeFields => ({
  ...emptyIntakeFields(),
  addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

async function startServer(options: { dataDir?: string; port?: number } = {}): Promise<SyncServer> {
  server = await startSyncServer({ ...options, now: clockFrom(Date.now, TEST_CLOCK_START) });
  return server;
}

async function page(): Promise<Page> {
  const opened = await newDeskPage(browser);
  pages.push(opened);
  return opened;
}

async function client(desk: Desk, username?: string, password?: string): Promise<RpcClient> {
  const opened = username ? await signedIn(desk, username, password) : await connect(desk);
  clients.push(opened);
  return opened;
}

/** Desk 1 (site's first desk, with staff A, B and a lead) and desk 2 (its own manager), paired in desk 2's Settings. */
async function twoDesks(srv: SyncServer, url = srv.url) {
  const one = await startDesk();
  desks.push(one);
  const manager1 = await client(one);
  await setUpDesk(manager1);
  for (const [username, displayName, role] of [['staff.a', '甲专员', 'specialist'], ['staff.b', '乙专员', 'specialist'], ['lead.l', '丙组长', 'group_lead']] as const) {
    expectOk(await manager1.call('staff.create', { username, displayName, role, certified: true, password: 'Password123', passwordSetByStaff: true }));
  }
  const { recoveryKey } = expectOk(await manager1.call('sync.register', { serverUrl: url, organisationId: 'org_lodge', siteId: 'site_hall' }));
  // The key printed at setup is the organisation's one: registration makes no second key.
  expect(recoveryKey).toBeNull();

  const two = await startDesk();
  desks.push(two);
  const manager2 = await client(two);
  expectOk(await manager2.call('setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '2号柜台', manager: { username: 'zhao.mgr', displayName: '赵经理', password: 'Manager2026' } }));

  // Desk 2's manager asks to join in Settings; desk 1's manager enters the pairing code.
  const screen2 = await page();
  await signInWithKeyboard(screen2, two.launchUrl(), 'zhao.mgr', 'Manager2026', '赵经理');
  await screen2.keyboard.press('Alt+6');
  await screen2.getByLabel('服务器地址').fill(url);
  await screen2.getByLabel('站点编号').last().fill('site_hall');
  await screen2.getByTestId('sync-enrol').click();
  await screen2.getByTestId('pairing-code').waitFor();
  const code = (await screen2.getByTestId('pairing-code').textContent())?.replace(/^配对码：/, '').trim() ?? '';
  const { sas } = expectOk(await manager1.call('sync.previewPairing', { code }));
  expectOk(await manager1.call('sync.approve', { code }));
  // Both screens show the same 6 digits; desk 2's manager confirms.
  await expect.poll(async () => screen2.getByTestId('pairing-sas').getAttribute('data-sas').catch(() => null), SLOW).toBe(sas);
  await screen2.getByRole('button', { name: '一致，完成配对' }).click();
  await screen2.getByText('配对完成，本台开始同步。').waitFor();
  return { one, two, manager1, manager2, screen2 };
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    fs.mkdirSync('test-results', { recursive: true });
    for (const [i, each] of pages.entries()) await each.screenshot({ path: path.join('test-results', `sync-${i}.png`), fullPage: true }).catch(() => undefined);
  }
  for (const each of clients.splice(0)) each.close();
  for (const each of pages.splice(0)) await each.close().catch(() => undefined);
  for (const each of desks.splice(0)) await each.close();
  await server?.stop().catch(() => undefined);
  server = null;
  for (const each of proxies.splice(0)) await each.close();
});

afterAll(async () => {
  await browser?.close();
});

describe('two desks and the central server', () => {
  it('an intake typed at desk 1 is cross-checked and approved at desk 2, and is valid at desk 1', async () => {
    const srv = await startServer();
    const { one, two } = await twoDesks(srv);

    // Desk 1: A types the walk-in.
    const screen1 = await page();
    await signInWithKeyboard(screen1, one.launchUrl(), 'staff.a', 'Password123', '甲专员');
    await screen1.keyboard.press('Alt+2');
    await typeWalkIn(screen1, { name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X' });
    await screen1.keyboard.press('Control+Enter');
    await screen1.getByTestId('self-review').waitFor();
    await screen1.keyboard.press('Enter');
    await expect.poll(() => screen1.getByTestId('intake-submitted').isVisible()).toBe(true);
    await expect.poll(() => screen1.getByTestId('sync-pending').textContent(), SLOW).toBe('没有待同步的更改');

    // Desk 2: B (an account made at desk 1) signs in there and passes the cross-check.
    const screen2 = await page();
    await expect.poll(async () => (await (await client(two)).call('auth.login', { username: 'staff.b', password: 'Password123' })).ok, SLOW).toBe(true);
    await signInWithKeyboard(screen2, two.launchUrl(), 'staff.b', 'Password123', '乙专员');
    await screen2.keyboard.press('Alt+4');
    await screen2.getByRole('tab', { name: /待我交叉审核/ }).click();
    await expect.poll(() => screen2.getByTestId('queue-item').filter({ hasText: '李*' }).count(), SLOW).toBe(1);
    await screen2.getByTestId('queue-item').filter({ hasText: '李*' }).click();
    await screen2.getByRole('button', { name: '交叉审核通过' }).click();
    await expect.poll(() => screen2.getByText('已处理：待组长审批').isVisible()).toBe(true);

    // Desk 2: the lead approves.
    await screen2.keyboard.press('Control+l');
    await screen2.getByRole('heading', { name: '录入台已锁定' }).waitFor();
    await screen2.getByRole('button', { name: '切换用户' }).click();
    await typeCredentials(screen2, 'lead.l', 'Password123', '丙组长');
    await screen2.keyboard.press('Alt+4');
    await screen2.getByRole('tab', { name: /待组长审批/ }).click();
    await screen2.getByTestId('queue-item').filter({ hasText: '李*' }).click();
    await screen2.getByRole('button', { name: /^批准/ }).click();
    await expect.poll(() => screen2.getByText('已处理：有效').isVisible()).toBe(true);

    // Desk 1: the record is valid there too.
    const a = await client(one, 'staff.a');
    await expect.poll(async () => {
      const [customer] = expectOk(await a.call('customers.search', { query: '13812345678' }));
      return customer ? expectOk(await a.call('customers.card', { id: customer.id })).intakes[0]?.status : null;
    }, SLOW).toBe('valid');
    await expect.poll(() => screen1.getByTestId('sync-connection').getAttribute('data-state'), SLOW).toBe('connected');
  });

  it('the server is cut off mid-push and restarted: the status bar says so, and nothing is lost or doubled', async () => {
    const srv = await startServer();
    // The desks reach the server through a proxy that cuts the connection in the middle of a push.
    const proxy = await startCutProxy(srv.port);
    proxies.push(proxy);
    const { one, two, manager1, manager2 } = await twoDesks(srv, proxy.url);
    const screen1 = await page();
    await signInWithKeyboard(screen1, one.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
    const a = await client(one, 'staff.a');
    const consent = { ...defaultConsent(), idConsent: true };
    const submit = async (name: string, mobile: string, idNumber: string) => {
      const draft = expectOk(await a.call('intake.draft.start', { customerId: null }));
      return expectOk(await a.call('intake.submit', { draftId: draft.id, fields: fields({ name, mobile, idNumber }), consent, customerId: null, customerPresent: true })).intakeId;
    };
    await submit('张伟', '13700000001', '440524188001010014');
    await expect.poll(async () => expectOk(await manager1.call('sync.status')).pending, SLOW).toBe(0);

    // Mid-push: the server receives and stores the push, the desk never hears the answer; then the server goes down.
    const cut = proxy.cutNextPush();
    await submit('王芳', '13700000002', '11010519491231002X');
    await manager1.call('sync.now');
    await cut;
    await srv.stop();
    server = null;
    // Entry never waits for the network: saving works with the server gone.
    await submit('陈静', '13700000003', '110105198001010032');
    await expect.poll(() => screen1.getByTestId('sync-problem').getAttribute('data-problem').catch(() => null), SLOW).toBe('server_unreachable');
    expect(await screen1.getByTestId('sync-problem').textContent()).toContain('无法连接服务器');
    expect(await screen1.getByTestId('sync-connection').textContent()).toBe('离线');
    expect(await screen1.getByTestId('sync-pending').textContent()).not.toBe('没有待同步的更改');

    const restarted = await startServer({ dataDir: srv.dataDir, port: srv.port });
    await expect.poll(() => screen1.getByTestId('sync-pending').textContent(), SLOW).toBe('没有待同步的更改');
    await expect.poll(() => screen1.getByTestId('sync-problem').count(), SLOW).toBe(0);
    const status1 = expectOk(await manager1.call('sync.status'));
    expect(status1).toMatchObject({ pending: 0, state: 'connected', problem: null });
    // The server holds each op once, although the cut push arrived twice.
    const doubled = await restarted.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT device_id, seq FROM ops GROUP BY device_id, seq HAVING count(*) > 1) AS twice');
    expect(doubled[0]?.n).toBe(0);
    for (const mobile of ['13700000002', '13700000003']) {
      await expect.poll(async () => {
        await manager2.call('sync.now');
        return expectOk(await manager2.call('customers.search', { query: mobile })).length;
      }, SLOW).toBe(1);
    }
    const b = await client(two, 'zhao.mgr', 'Manager2026');
    for (const mobile of ['13700000001', '13700000002', '13700000003']) expect(expectOk(await b.call('customers.search', { query: mobile }))).toHaveLength(1);
  });
});
