// Review on one desk, with the staff switching user on the lock screen (Ctrl+L): A types a walk-in, B fails A's
// walk-in on the phone field, A fixes and resubmits, B passes, the lead approves and it is valid;
// a VIP record goes to the manager, who rejects it back to A with the reason. No server anywhere.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, signInWithKeyboard, typeCredentials } from '../support/browser';
import { connect, expectOk, setUpDesk, startDesk, type RpcClient } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
let browser: Browser;
let page: Page;
let enterer: RpcClient;
const ids = { plain: '', vip: '' };

const fields = (overrides: Partial<IntakeFields>): IntakeFields => ({
  ...emptyIntakeFields(),
  addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

async function switchUser(username: string, password: string, name: string): Promise<void> {
  await page.keyboard.press('Control+l');
  await page.getByRole('heading', { name: '录入台已锁定' }).waitFor();
  await page.getByRole('button', { name: '切换用户' }).click();
  await page.getByRole('heading', { name: '切换用户' }).waitFor();
  await typeCredentials(page, username, password, name);
  await page.keyboard.press('Alt+4');
  await page.getByRole('heading', { name: '审核', exact: true }).waitFor();
}

async function openItem(queue: RegExp, customer: string): Promise<void> {
  await page.getByRole('tab', { name: queue }).click();
  await page.getByTestId('queue-item').filter({ hasText: customer }).click();
}

beforeAll(async () => {
  desk = await startDesk();
  const manager = await connect(desk);
  await setUpDesk(manager);
  for (const [username, displayName, role] of [['staff.a', '甲专员', 'specialist'], ['staff.b', '乙专员', 'specialist'], ['lead.l', '丙组长', 'group_lead']] as const) {
    expectOk(await manager.call('staff.create', { username, displayName, role, certified: true, password: 'Password123' }));
  }
  manager.close();
  // A enters the VIP record over RPC (another desk session), the ordinary one in the browser below.
  enterer = await connect(desk);
  expectOk(await enterer.call('auth.login', { username: 'staff.a', password: 'Password123' }));
  const draft = expectOk(await enterer.call('intake.draft.start', { customerId: null }));
  const vip = fields({ name: '王贵宾', mobile: '13700001111', idNumber: '440524188001010014', grade: 'vip' });
  ids.vip = expectOk(await enterer.call('intake.submit', { draftId: draft.id, fields: vip, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await signInWithKeyboard(page, desk.launchUrl(), 'staff.a', 'Password123', '甲专员');
});

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail' || !page) return;
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: path.join('test-results', `review-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
});

afterAll(async () => {
  enterer?.close();
  await browser?.close();
  await desk?.close();
});

describe('review with three staff switching user', () => {
  it('A enters a walk-in at the counter with the keyboard (mistyping the phone)', async () => {
    await page.keyboard.press('Alt+2');
    await typeWalkIn(page, { name: '李雪', mobile: '13812345670', idNumber: '11010519491231002X' });
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('intake-submitted').isVisible()).toBe(true);
    const [customer] = expectOk(await enterer.call('customers.search', { query: '13812345670' }));
    ids.plain = expectOk(await enterer.call('customers.card', { id: customer!.id })).intakes[0]!.id;
  });

  it('B fails A’s record with a note on the phone field', async () => {
    await switchUser('staff.b', 'Password123', '乙专员');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toContain('2');
    await openItem(/待我交叉审核/, '李*');
    const phoneRow = page.getByRole('row', { name: /手机号码/ }).first();
    await phoneRow.getByLabel('有误').check();
    await page.getByLabel('手机号码 问题说明').fill('最后一位应为 8');
    await page.getByRole('button', { name: '退回录入人员' }).click();
    await expect.poll(() => page.getByText('已处理：已退回').isVisible()).toBe(true);
  });

  it('A finds it under “Returned to me”, fixes the phone and resubmits', async () => {
    await switchUser('staff.a', 'Password123', '甲专员');
    await openItem(/退回给我/, '李*');
    await expect.poll(() => page.getByText('审核意见：最后一位应为 8').isVisible()).toBe(true);
    await page.getByRole('textbox', { name: '手机号码' }).fill('13812345678');
    await page.getByRole('button', { name: '改好后重新提交' }).click();
    await expect.poll(() => page.getByText('已处理：待交叉审核').isVisible()).toBe(true);
  });

  it('B sees what changed and passes it, and passes the VIP record too', async () => {
    await switchUser('staff.b', 'Password123', '乙专员');
    await openItem(/待我交叉审核/, '李*');
    await expect.poll(() => page.getByTestId('changed-since-check').textContent()).toContain('138******78');
    expect(await page.getByTestId('changed-since-check').textContent()).toContain('138******70');
    await page.getByRole('button', { name: '交叉审核通过' }).click();
    await expect.poll(() => page.getByText('已处理：待组长审批').isVisible()).toBe(true);
    await openItem(/待我交叉审核/, '王*');
    await page.getByRole('heading', { name: /待我交叉审核/ }).waitFor();
    await page.keyboard.press('p');
    await expect.poll(() => page.getByText('已处理：待组长审批').isVisible()).toBe(true);
  });

  it('the lead approves: the plain record is valid and locked, the VIP goes to the manager', async () => {
    await switchUser('lead.l', 'Password123', '丙组长');
    await openItem(/待组长审批/, '李*');
    await page.getByRole('button', { name: /^批准/ }).click();
    await expect.poll(() => page.getByText('已处理：有效').isVisible()).toBe(true);
    await openItem(/待组长审批/, '王*');
    await page.getByRole('heading', { name: /待组长审批/ }).waitFor();
    await page.keyboard.press('a');
    await expect.poll(() => page.getByText('已处理：待经理终审').isVisible()).toBe(true);
    // Valid means locked: no further review decision applies.
    const late = await enterer.call('review.decide', { intakeId: ids.plain, decision: 'cross_check_failed', notes: { name: 'x' } });
    expect(late.ok ? 'ok' : late.error.details?.['refusal']).toBe('wrong_status');
  });

  it('the manager rejects the VIP record, and it returns to A with the reason', async () => {
    await switchUser('wang.li', 'Manager2026', '王丽');
    await openItem(/待经理终审/, '王*');
    await page.getByRole('heading', { name: /待经理终审/ }).waitFor();
    await page.keyboard.press('r');
    await page.keyboard.type('贵宾等级需附会员卡号');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('已处理：已驳回').isVisible()).toBe(true);
    await switchUser('staff.a', 'Password123', '甲专员');
    await openItem(/退回给我/, '王*');
    await expect.poll(() => page.getByText('退回原因：贵宾等级需附会员卡号').isVisible()).toBe(true);
    expect(await page.getByTestId('review-history').textContent()).toContain('经理驳回');
  });

  it('the manager shows the valid record’s phone in full with a reason, and opens a correction', async () => {
    await switchUser('wang.li', 'Manager2026', '王丽');
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: '客户查询' }).waitFor();
    await page.keyboard.type('13812345678');
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('card-mobile').textContent()).toBe('138******78');
    await page.locator('dd', { has: page.getByTestId('card-mobile') }).getByRole('button', { name: '显示完整' }).click();
    await page.keyboard.type('客户来电核对');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('card-mobile').textContent()).toBe('13812345678');
    await page.getByRole('button', { name: '发起更正' }).click();
    await page.keyboard.type('客户要求更正地址');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('correction-banner').isVisible()).toBe(true);
    // The correction opens masked; the field being corrected is shown in full on request (audited).
    expect(await page.getByLabel('手机号码', { exact: true }).inputValue()).toBe('138******78');
    expect(await page.getByLabel('证件号码', { exact: true }).inputValue()).toBe('11**************2X');
    await page.getByTestId('reveal-mobile').click();
    await expect.poll(() => page.getByLabel('手机号码', { exact: true }).inputValue()).toBe('13812345678');
    expect(await page.getByLabel('证件号码', { exact: true }).inputValue()).toBe('11**************2X');
  });
});
