// Review on one desk, with the staff switching user on the lock screen (Ctrl+L): A types a walk-in, B fails A's
// walk-in on the phone field, A fixes and resubmits, B passes, the lead approves and it is valid;
// a VIP record goes to the manager, who rejects it back to A with the reason. No server anywhere.
// Each step is its own test on its own desk: the steps before it are taken over RPC.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, newDeskPage, signInWithKeyboard, typeCredentials } from '../support/browser';
import { connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
let browser: Browser;
let page: Page;
/** The current test's RPC clients (A, B, the lead, the manager) on its own desk. */
let rpc: Record<'a' | 'b' | 'lead' | 'manager', RpcClient> | undefined;
let enterer: RpcClient;
const ids = { plain: '', vip: '' };
const consent = { ...defaultConsent(), idConsent: true };

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

/**
 * Each test's own desk: A, B and the lead as staff, the VIP record (王贵宾) entered by A over RPC, and
 * the page signed in as A. Steps a test is not about are taken over RPC (`enterPlain`, `advance`).
 */
async function reviewDesk(): Promise<void> {
  const opened = await startDesk();
  desk = opened;
  const manager = await connect(opened);
  await setUpDesk(manager);
  for (const [username, displayName, role] of [['staff.a', '甲专员', 'specialist'], ['staff.b', '乙专员', 'specialist'], ['lead.l', '丙组长', 'group_lead']] as const) {
    expectOk(await manager.call('staff.create', { username, displayName, role, certified: true, password: 'Password123', passwordSetByStaff: true }));
  }
  rpc = { manager, a: await signedIn(opened, 'staff.a'), b: await signedIn(opened, 'staff.b'), lead: await signedIn(opened, 'lead.l') };
  enterer = rpc.a;
  const draft = expectOk(await enterer.call('intake.draft.start', { customerId: null }));
  const vip = fields({ name: '王贵宾', mobile: '13700001111', idNumber: '440524188001010014', grade: 'vip' });
  ids.vip = expectOk(await enterer.call('intake.submit', { draftId: draft.id, fields: vip, consent, customerId: null, customerPresent: true })).intakeId;
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, opened.launchUrl(), 'staff.a', 'Password123', '甲专员');
}

/** A enters the plain record (李雪) over RPC, as the first test does in the browser. */
async function enterPlain(mobile = '13812345670'): Promise<void> {
  const draft = expectOk(await enterer.call('intake.draft.start', { customerId: null }));
  const plain = fields({ name: '李雪', mobile, idNumber: '11010519491231002X' });
  ids.plain = expectOk(await enterer.call('intake.submit', { draftId: draft.id, fields: plain, consent, customerId: null, customerPresent: true })).intakeId;
}

/** Review steps taken over RPC by the person whose step it is. */
async function advance(step: 'b_fails_plain' | 'a_fixes_plain' | 'b_passes_plain' | 'b_passes_vip' | 'lead_approves_plain' | 'lead_approves_vip'): Promise<void> {
  if (!rpc) throw new Error('no desk');
  switch (step) {
    case 'b_fails_plain':
      expectOk(await rpc.b.call('review.decide', { intakeId: ids.plain, decision: 'cross_check_failed', notes: { mobile: '最后一位应为 8' } }));
      return;
    case 'a_fixes_plain': {
      const detail = expectOk(await rpc.a.call('review.intake', { intakeId: ids.plain }));
      expectOk(await rpc.a.call('intake.resubmit', { intakeId: ids.plain, fields: { ...detail.fields, mobile: '13812345678' } }));
      return;
    }
    case 'b_passes_plain':
    case 'b_passes_vip':
      expectOk(await rpc.b.call('review.decide', { intakeId: step === 'b_passes_plain' ? ids.plain : ids.vip, decision: 'cross_check_passed' }));
      return;
    case 'lead_approves_plain':
    case 'lead_approves_vip':
      expectOk(await rpc.lead.call('review.decide', { intakeId: step === 'lead_approves_plain' ? ids.plain : ids.vip, decision: 'lead_approved' }));
      return;
  }
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', `review-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
  }
  for (const client of Object.values(rpc ?? {})) client.close();
  rpc = undefined;
  await page?.close().catch(() => undefined);
  await desk?.close();
  desk = undefined;
});

afterAll(async () => {
  await browser?.close();
});

describe('review with three staff switching user', () => {
  it('A enters a walk-in at the counter with the keyboard (mistyping the phone)', async () => {
    await reviewDesk();
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
    await reviewDesk();
    await enterPlain();
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
    await reviewDesk();
    await enterPlain();
    await advance('b_fails_plain');
    await switchUser('staff.a', 'Password123', '甲专员');
    await openItem(/退回给我/, '李*');
    await expect.poll(() => page.getByText('审核意见：最后一位应为 8').isVisible()).toBe(true);
    await page.getByRole('textbox', { name: '手机号码' }).fill('13812345678');
    await page.getByRole('button', { name: '改好后重新提交' }).click();
    await expect.poll(() => page.getByText('已处理：待交叉审核').isVisible()).toBe(true);
  });

  it('B sees what changed and passes it, and passes the VIP record too', async () => {
    await reviewDesk();
    await enterPlain();
    for (const step of ['b_fails_plain', 'a_fixes_plain'] as const) await advance(step);
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
    await reviewDesk();
    await enterPlain();
    for (const step of ['b_fails_plain', 'a_fixes_plain', 'b_passes_plain', 'b_passes_vip'] as const) await advance(step);
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
    await reviewDesk();
    for (const step of ['b_passes_vip', 'lead_approves_vip'] as const) await advance(step);
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
    await reviewDesk();
    await enterPlain('13812345678');
    for (const step of ['b_passes_plain', 'lead_approves_plain'] as const) await advance(step);
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
