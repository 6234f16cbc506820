// A walk-in, entered with the keyboard alone through the browser host in Chromium: self-review,
// submit, and what was stored; then a draft that comes back after the desk is stopped mid-entry.
// Each test has its own desk and page, both on the fixed test clock (TEST_CLOCK_START, 2026-06-15),
// so the age shown for a 1949-12-31 birth date is 76 on any day the tests run.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/connection';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { databasePath } from '../../electron/core/paths';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { connect, expectOk, setUpDesk, signedIn, startDesk } from '../support/desk';
import { HUMAN_KEY_DELAY_MS, typeWalkIn } from '../support/walk-in';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let browser: Browser;
/** The current test's desk and page; each test builds its own (no test relies on another's data). */
let desk: Desk | undefined;
let page: Page;

async function type(...steps: Array<string | { key: string; times?: number }>): Promise<void> {
  for (const step of steps) {
    if (typeof step === 'string') await page.keyboard.type(step);
    else for (let i = 0; i < (step.times ?? 1); i += 1) await page.keyboard.press(step.key);
  }
}

const signIn = (target: Page, on: Desk): Promise<void> => signInWithKeyboard(target, on.launchUrl(), 'zhao.min', 'Specialist1', '赵敏');

/** A new set-up desk (fixed clock) with the specialist 赵敏 signed in on a new page (same fixed clock). */
async function openDesk(): Promise<Desk> {
  const opened = await startDesk();
  desk = opened;
  const admin = await connect(opened);
  await setUpDesk(admin);
  expectOk(await admin.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  admin.close();
  page = await newDeskPage(browser);
  await signIn(page, opened);
  return opened;
}

/** A customer already on the desk (单雪, 138 1234 5678), entered over RPC by the same specialist. */
async function seedCustomer(on: Desk): Promise<void> {
  const client = await signedIn(on, 'zhao.min', 'Specialist1');
  const fields: IntakeFields = {
    ...emptyIntakeFields(),
    name: '单雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
  };
  const consent = { ...defaultConsent(), idConsent: true };
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  expectOk(await client.call('intake.submit', { draftId: draft.id, fields, consent, customerId: null, customerPresent: true }));
  client.close();
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', `walk-in-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
  }
  await page?.close().catch(() => undefined);
  await desk?.close();
  desk = undefined;
});

afterAll(async () => {
  await browser?.close();
});

describe('walk-in entry by keyboard', () => {
  it('enters, self-reviews and submits a walk-in; the record, consent and entry duration are stored', async () => {
    const current = await openDesk();
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByRole('heading', { name: '现场登记' }).isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');

    await typeWalkIn(page, { name: '单雪', mobile: '13812345678', idNumber: '11010519491231002x' });
    await expect.poll(() => page.getByTestId('derived-birth-date').inputValue()).toBe('1949-12-31');
    expect(await page.getByTestId('derived-gender').inputValue()).toBe('female');
    expect(await page.getByText('76 岁').isVisible()).toBe(true);
    expect(await page.getByLabel('省份').inputValue()).toBe('吉林省');

    // Without the separate ID consent, self-review names what is missing (typeWalkIn ticked it: untick).
    await page.keyboard.press('Space');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('self-review').textContent()).toContain('收集证件号码需要客户单独同意');
    await page.keyboard.press('Enter'); // back to the form
    await page.getByLabel('客户单独同意收集身份证件号码（敏感个人信息）').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('self-review').textContent()).toContain('所有必填项已填写');
    expect(await page.getByTestId('self-review').textContent()).toContain('11010519491231002X');
    await page.keyboard.press('Enter'); // confirm and submit (focused)
    await expect.poll(() => page.getByTestId('intake-submitted').isVisible()).toBe(true);

    const db = openDatabase(databasePath(current.dataDir), readOrCreateKeyFile(current.dataDir, { create: false }));
    const intake = db.prepare('SELECT * FROM intakes').get() as { status: string; fields: string; consent: string; duration_ms: number; customer_present: number; started_at: number; submitted_at: number };
    const customer = db.prepare('SELECT * FROM customers').get() as { name: string; mobile: string; id_number: string; birth_date: string; doc: string };
    db.close();
    expect(intake.status).toBe('pending_cross_check');
    expect(intake.customer_present).toBe(1);
    expect(intake.duration_ms).toBe(intake.submitted_at - intake.started_at);
    expect(intake.duration_ms).toBeGreaterThan(0);
    expect(JSON.parse(intake.consent)).toMatchObject({ noticeVersion: '2026-11', idConsent: true, method: 'counter', purposes: ['registration', 'service', 'safety'] });
    expect(customer).toMatchObject({ name: '单雪', mobile: '13812345678', id_number: '11010519491231002X', birth_date: '1949-12-31' });
    expect(JSON.parse(customer.doc)).toMatchObject({ addressProvince: '吉林省', addressCity: '吉林市', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', heightCm: '168', bootMondo: '25.5' });
  });

  it('a Tab pressed after a look at the screen, once a full phone moved the cursor on, is taken: it goes on to the ID number', async () => {
    await openDesk();
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    await type('单雪', { key: 'Enter' });
    await page.keyboard.type('13812345678', { delay: HUMAN_KEY_DELAY_MS });
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('idType');
    // The typist sees the cursor has moved to the document type and means "next field" (a Tab at
    // typing pace would be the habit of leaving the phone, and is not taken twice: paper-transcription.test.ts).
    await page.waitForTimeout(1_200);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('idNumber');
  });

  it('offers the existing customer when the phone is already known', async () => {
    await seedCustomer(await openDesk());
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    await type('单雪', { key: 'Enter' }, '138 1234 5678');
    await expect.poll(() => page.getByTestId('matches').textContent()).toContain('单*');
    expect(await page.getByTestId('matches').textContent()).toContain('138******78');
    await page.getByRole('button', { name: '载入此客户' }).click();
    await expect.poll(() => page.getByText('本次录入将更新已有客户 单* 的信息').isVisible()).toBe(true);
  });

  it('brings a draft back with every field typed after the desk is stopped mid-entry', async () => {
    const first = await openDesk();
    await page.keyboard.press('Alt+2');
    await page.getByLabel('姓名', { exact: true }).fill('欧阳娜娜');
    await page.getByLabel('姓名', { exact: true }).focus();
    await type({ key: 'Tab' }, '13700001234');
    await page.getByLabel('备注').focus();
    await type('需要儿童滑雪板');
    await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toContain('已自动保存');
    const dataDir = first.dataDir;
    await page.close();
    await first.close();
    desk = undefined;

    const again = await startDesk({ dataDir });
    desk = again;
    page = await newDeskPage(browser);
    await signIn(page, again);
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByText('已恢复上次未完成的录入').isVisible()).toBe(true);
    expect(await page.getByLabel('姓名', { exact: true }).inputValue()).toBe('欧阳娜娜');
    expect(await page.getByLabel('手机号码', { exact: true }).inputValue()).toBe('13700001234');
    expect(await page.getByLabel('备注').inputValue()).toBe('需要儿童滑雪板');
  });

  it('finds the customer by pinyin initials and shows the masked card', async () => {
    await seedCustomer(await openDesk());
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.getByRole('heading', { name: '客户查询' }).isVisible()).toBe(true);
    await type('sx');
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('card-mobile').textContent()).toBe('138******78');
    expect(await page.getByTestId('card-idNumber').textContent()).toBe('11**************2X');
    expect(await page.getByRole('button', { name: '显示完整' }).count()).toBe(0); // specialists may not reveal
    expect(await page.getByTestId('card-intake').count()).toBe(1);
  });
});
