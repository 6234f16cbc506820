// Issue 15, items 1–3: the customer's page on a real central server (Fastify + PGlite on loopback),
// filled in Chromium with a phone's viewport and touch. Validation as typed with the desk's rules,
// the consent notice with the separate ID-number consent and the guardian rule under 14, the English
// switch, sealing on the phone, and the receipt (code, QR code, process-by time). The desk then
// pulls the sealed submission and opens it with the private key.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import type { PublishFormRequest } from '../../shared/api/online-contract';
import { checkCharacter } from '../../shared/domain/identity';
import { generateSubmissionKeyPair, openSubmission } from '../../shared/online/envelope';
import { submissionPayloadSchema } from '../../shared/online/submission';
import { httpTransport, TestDesk } from '../../server/src/test-support';
import { launchChromium, newDeskPage, screenshotOnFailure } from '../support/browser';
import { seriousAxeViolations } from '../support/axe';
import { TEST_CLOCK_START } from '../support/clock';
import { startSyncServer, type SyncServer } from '../support/sync-server';

let browser: Browser;
let server: SyncServer | null = null;
let page: Page | undefined;
const PHONE = { width: 390, height: 844 };

function filesUnder(dir: string): Buffer[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [fs.readFileSync(full)] : [];
  });
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'online-page');
  await page?.close();
  page = undefined;
  await server?.stop();
  server = null;
});

const FORM = (publicRaw: string): PublishFormRequest => ({
  kid: 'sk1',
  publicRaw,
  siteLabel: '北大湖滑雪场',
  // What a desk publishes: the intake's fields in form order (online-desk's formDefinition).
  fields: [
    { key: 'name', required: true },
    { key: 'mobile', required: true },
    { key: 'landline', required: false },
    { key: 'idType', required: true },
    { key: 'idNumber', required: true },
    { key: 'birthDate', required: false },
    { key: 'gender', required: false },
    { key: 'addressProvince', required: true },
    { key: 'addressCity', required: false },
    { key: 'addressDistrict', required: false },
    { key: 'addressDetail', required: false },
    { key: 'skiAbility', required: false },
    { key: 'helmet', required: false },
    { key: 'guardianName', required: false },
    { key: 'guardianMobile', required: false },
    { key: 'nationality', required: false },
    { key: 'addressCountry', required: false },
  ],
  consent: {
    version: '2026-11',
    text: { 'zh-CN': '我们收集您的姓名、手机号码和证件号码，用于入场登记和安全保障。\n\n您可以随时要求查阅或删除。', en: 'We collect your name, mobile number and ID number for admission and safety.\n\nYou may ask to see or delete them at any time.' },
    idNumberText: { 'zh-CN': '证件号码属于敏感个人信息，仅用于实名登记。', en: 'Your ID number is sensitive personal information, used only for registration under your real name.' },
  },
  retentionDays: 30,
  open: true,
});

/** A server with a registered site that has published its form; the desk that can pull, and the private key. */
const serverLog: string[] = [];

async function publishedSite(): Promise<{ desk: TestDesk; privatePkcs8: string }> {
  const clock = clockFrom(Date.now, TEST_CLOCK_START);
  serverLog.length = 0;
  server = await startSyncServer({ now: clock, log: (line) => serverLog.push(line) });
  const http = httpTransport(server.url);
  const desk = new TestDesk('site_lake', 'dev_site_lake_one1', clock);
  expect((await desk.call(http, 'POST', '/v1/register', { organisationId: 'org_lake', siteId: 'site_lake', desk: desk.keys() })).status).toBe(201);
  const keys = await generateSubmissionKeyPair();
  expect((await desk.call(http, 'POST', '/v1/online/form', FORM(keys.publicRaw))).status).toBe(200);
  return { desk, privatePkcs8: keys.privatePkcs8 };
}

async function phonePage(): Promise<Page> {
  page = await newDeskPage(browser, { viewport: PHONE, touch: true });
  return page;
}

describe('the online registration page on a phone', () => {
  it('validates as typed, needs both consents, seals the submission and shows the receipt; the desk opens it', async () => {
    const { desk, privatePkcs8 } = await publishedSite();
    const phone = await phonePage();
    const refused: string[] = [];
    phone.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    const response = await phone.goto(`${server!.url}/form/site_lake`);
    expect(response?.headers()['set-cookie']).toBeUndefined();
    await phone.getByRole('heading', { name: /在线登记/ }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // A mainland ID number gives the birth date and gender: not asked. The city follows the province, once.
    expect(await phone.locator('#f-birthDate, #f-gender, #f-guardianName').count()).toBe(0);
    expect(await phone.locator('[data-field="addressCity"]').count()).toBe(1);
    expect(await phone.locator('[data-field]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.field).slice(0, 4))).toEqual(['name', 'nationality', 'mobile', 'landline']);

    // As typed: the desk's own messages, once a field has been left.
    await phone.locator('#f-mobile').tap();
    await phone.locator('#f-mobile').fill('1391234');
    await phone.locator('#f-name').tap();
    await expect.poll(() => phone.locator('#f-mobile-msg').textContent()).toBe('手机号码应为 11 位');
    await phone.locator('#f-mobile').fill('139 1234 5678');
    await expect.poll(() => phone.locator('#f-mobile-msg').textContent()).toBe('');
    await phone.locator('#f-name').fill('林 晓雨');
    await phone.getByRole('textbox', { name: /证件号码/ }).fill('110105194912310029');
    await phone.locator('#f-name').tap();
    await expect.poll(() => phone.locator('#f-idNumber-msg').textContent()).toContain('校验不通过');
    await phone.getByRole('textbox', { name: /证件号码/ }).fill('11010519491231002x');
    await expect.poll(() => phone.locator('#f-idNumber-msg').textContent()).toBe('');

    // Submitting without the province and the consents names each problem and keeps what was typed.
    await phone.getByRole('button', { name: '加密并提交' }).tap();
    await expect.poll(() => phone.getByRole('alert').filter({ hasText: '请先更正' }).textContent()).toContain('3');
    expect(await phone.locator('#f-name').inputValue()).toBe('林 晓雨');
    expect(await phone.locator('#c-idConsent-msg').textContent()).not.toBe('');

    // English and back: the same values, English labels.
    await phone.getByRole('button', { name: 'English' }).tap();
    await phone.getByRole('heading', { name: /Online registration/ }).waitFor();
    expect(await phone.getByLabel('Mobile', { exact: false }).first().inputValue()).toBe('139 1234 5678');
    await phone.getByRole('button', { name: '中文' }).tap();
    await phone.getByRole('heading', { name: /在线登记/ }).waitFor();

    await phone.getByLabel('省份').selectOption('吉林省');
    await expect.poll(() => phone.locator('.status').textContent()).toContain('2');
    await phone.getByLabel('技术水平').selectOption('beginner');
    await phone.getByLabel('需要头盔').check();
    await phone.getByLabel('我已阅读并同意上述告知').check();
    await phone.getByLabel('我单独同意提供证件号码（敏感个人信息）').check();
    // Everything fixed: the "correct N fields" message has gone.
    await expect.poll(() => phone.locator('.status').textContent()).toBe('');
    expect(await seriousAxeViolations(phone)).toEqual([]);
    await phone.getByRole('button', { name: '加密并提交' }).tap();

    const code = await phone.getByTestId('receipt-code').textContent({ timeout: 30_000 });
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    await phone.getByText('到柜台时请出示此回执码').waitFor();
    await phone.locator('.qr svg').waitFor();
    // The server received it at 09:00 (+08:00) on the test clock: processed by 11:00, shown in the phone's time zone.
    const hour = await phone.evaluate((at) => new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', hour12: false }).format(new Date(at)).replace(/\D/g, ''), TEST_CLOCK_START + 120 * 60_000);
    expect(await phone.locator('.process-by').textContent()).toMatch(new RegExp(`${hour}:0\\d 前完成登记处理`));
    expect(await seriousAxeViolations(phone)).toEqual([]);
    expect(refused).toEqual([]);

    // The desk pulls the sealed submission and opens it: the values as the rules normalised them.
    const pulled = await desk.call<{ items: { receiptCode: string; envelope: unknown }[] }>(httpTransport(server!.url), 'GET', '/v1/online/pull?cursor=0');
    expect(pulled.body.items).toHaveLength(1);
    expect(pulled.body.items[0]!.receiptCode).toBe(code!.replace('-', ''));
    const payload = submissionPayloadSchema.parse(JSON.parse(await openSubmission(privatePkcs8, 'site_lake', pulled.body.items[0]!.envelope)));
    expect(payload.fields).toMatchObject({ name: '林 晓雨', mobile: '13912345678', idType: 'cn_resident_id', idNumber: '11010519491231002X', addressProvince: '吉林省', skiAbility: 'beginner', helmet: true, birthDate: '1949-12-31', gender: 'female' });
    expect(payload.consent).toMatchObject({ noticeVersion: '2026-11', idConsent: true, guardianConsent: false, method: 'online' });
    expect(payload.lang).toBe('zh-CN');

    // The server's storage (every file of its PGlite folder) and its log hold none of what was typed.
    const dataDir = server!.dataDir;
    await server!.stop();
    server = null;
    const stored = Buffer.concat(filesUnder(dataDir));
    expect(stored.length).toBeGreaterThan(0);
    expect(serverLog.some((line) => line.includes('/form/:siteCode/submissions 201'))).toBe(true);
    for (const value of ['林 晓雨', '13912345678', '139 1234 5678', '11010519491231002X', '11010519491231002x']) {
      expect(stored.includes(Buffer.from(value)), value).toBe(false);
      expect(serverLog.join('\n')).not.toContain(value);
    }
  });

  it('asks for a guardian and the guardian’s consent when the ID number says under 14', async () => {
    const { desk, privatePkcs8 } = await publishedSite();
    const phone = await phonePage();
    await phone.goto(`${server!.url}/form/site_lake?lang=en`);
    await phone.getByRole('heading', { name: /Online registration/ }).waitFor();
    const child = `11010520150601001`;
    await phone.locator('#f-name').fill('王小明');
    await phone.locator('#f-mobile').fill('+852 6123 4567');
    await phone.locator('#f-idNumber').fill(child + checkCharacter(child));
    await phone.getByRole('group', { name: 'Parent or guardian (under 14)' }).waitFor();
    await phone.locator('#f-addressProvince').selectOption('吉林省');
    await phone.getByLabel('I have read and agree to the notice above').check();
    await phone.getByLabel(/I separately consent/).check();
    await phone.getByRole('button', { name: 'Encrypt and submit' }).tap();
    await expect.poll(() => phone.locator('#c-guardianConsent-msg').textContent()).not.toBe('');
    expect(await phone.locator('#f-guardianName-msg').textContent()).not.toBe('');

    await phone.locator('#f-guardianName').fill('王大明');
    await phone.locator('#f-guardianMobile').fill('13800001111');
    await phone.getByLabel(/I am their parent or guardian/).check();
    await phone.getByRole('button', { name: 'Encrypt and submit' }).tap();
    await phone.getByTestId('receipt-code').waitFor({ timeout: 30_000 });
    await phone.getByText('Show this at the counter').waitFor();

    const pulled = await desk.call<{ items: { envelope: unknown }[] }>(httpTransport(server!.url), 'GET', '/v1/online/pull?cursor=0');
    const payload = submissionPayloadSchema.parse(JSON.parse(await openSubmission(privatePkcs8, 'site_lake', pulled.body.items[0]!.envelope)));
    expect(payload.fields).toMatchObject({ name: '王小明', mobile: '+85261234567', guardianName: '王大明', guardianMobile: '13800001111', birthDate: '2015-06-01' });
    expect(payload.consent).toMatchObject({ guardianConsent: true, idConsent: true });
    expect(payload.lang).toBe('en');
  });
});
