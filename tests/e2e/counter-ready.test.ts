// Issue 11, returning customers at the counter: from an empty walk-in screen, a known customer found
// by phone is loaded with every stored field (masked, marked "from the record") in at most 15
// keystrokes; the offer loads with one key (F4) and the cursor lands on what this visit must
// confirm; a loaded value is carried only when confirmed or changed; after a lock and unlock the
// entry says which customer it is linked to and can be unlinked.
import { seriousAxeViolations } from '../support/axe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const CUSTOMER = { name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X' };
let customerId = '';



let firstIntake = '';

/** Presses keys one by one and counts them (a chord such as Control+Enter is one keystroke). */
function keyCounter(target: Page) {
  let count = 0;
  return {
    get count() {
      return count;
    },
    async press(key: string): Promise<void> {
      count += 1;
      await target.keyboard.press(key);
    },
    async type(text: string): Promise<void> {
      for (const char of text) await this.press(char);
    },
  };
}

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
  await page.keyboard.press('Alt+2');
  await typeWalkIn(page, CUSTOMER);
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('self-review').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('intake-submitted').waitFor();
  customerId = expectOk(await desk.client('staff.a').call('customers.search', { query: CUSTOMER.mobile }))[0]!.id;
  firstIntake = expectOk(await desk.client('staff.a').call('customers.card', { id: customerId })).intakes[0]!.id;
});

afterEach(async (context) => screenshotOnFailure(context, page, 'counter-ready'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('a returning customer at the counter', () => {
  it('is loaded by phone with every stored field in at most 15 keystrokes, cursor on this visit’s consent', async () => {
    await page.keyboard.press('Enter'); // 下一位客户 (has focus after a submit)
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');

    const keys = keyCounter(page);
    await keys.press('Enter'); // name → mobile
    await keys.type(CUSTOMER.mobile); // a full mobile moves on; the offer appears
    await page.getByTestId('load-customer').first().waitFor();
    expect(await page.getByTestId('matches').textContent()).toContain('F4');
    await keys.press('F4');
    await page.getByTestId('linked-customer').waitFor();
    expect(keys.count).toBeLessThanOrEqual(15);
    expect(keys.count).toBe(13);

    // Every stored field is on screen, masked where personal, marked as from the record.
    await expect.poll(() => page.getByTestId('from-record-name').textContent()).toContain('韩**');
    expect(await page.getByTestId('from-record-idNumber').textContent()).toContain('11**************2X');
    expect(await page.getByTestId('from-record-addressProvince').textContent()).toContain('吉林省');
    expect(await page.getByTestId('from-record-addressDetail').textContent()).toContain('****');
    expect(await page.getByTestId('from-record-emergencyName').textContent()).toContain('单*');
    expect(await page.getByTestId('from-record-emergencyMobile').textContent()).toContain('139******11');
    expect(await page.getByTestId('from-record-skiDiscipline').textContent()).toContain('双板');
    expect(await page.getByTestId('from-record-skiAbility').textContent()).toContain('初级');
    expect(await page.getByTestId('from-record-heightCm').textContent()).toContain('168');
    expect(await page.getByTestId('from-record-bootMondo').textContent()).toContain('25.5');
    expect(await page.getByTestId('linked-customer').textContent()).toContain('韩**');
    // Nothing of the stored ID is on screen in full, and the typed inputs stay as typed.
    expect(await page.locator('body').textContent()).not.toContain(CUSTOMER.idNumber);
    expect(await page.getByRole('textbox', { name: '姓名', exact: true }).inputValue()).toBe('');

    // The stored ID needs this visit's separate consent: the cursor is there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('idConsent');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('submits with only what was confirmed: the phone, the ID and height confirmed as stored, not the other loaded values', async () => {
    await page.keyboard.press('Space');
    // Confirming a stored value is explicit; a masked one stays masked on screen.
    await page.getByTestId('confirm-idNumber').click();
    await page.getByTestId('confirm-heightCm').click();
    await expect.poll(() => page.locator('[name="idNumber"]').inputValue()).toBe('11**************2X');
    expect(await page.locator('[name="heightCm"]').inputValue()).toBe('168');
    expect(await page.locator('[name="idNumber"]').getAttribute('aria-invalid')).not.toBe('true');
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.getByTestId('intake-submitted').waitFor();
    const card = expectOk(await desk.client('staff.a').call('customers.card', { id: customerId }));
    expect(card.intakes).toHaveLength(2);
    const second = card.intakes.find((intake) => intake.id !== firstIntake)!;
    const review = expectOk(await desk.client('staff.b').call('review.intake', { intakeId: second.id }));
    expect(review.marks).toMatchObject({ mobile: 'confirmed', idNumber: 'confirmed', heightCm: 'confirmed' });
    expect(review.marks).not.toHaveProperty('weightKg');
    expect(review.marks).not.toHaveProperty('addressProvince');
  });

  it('after a lock and unlock, the entry says which customer it is linked to, and can be unlinked', async () => {
    await page.keyboard.press('Enter'); // 下一位客户
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
    // The cursor is on the name as soon as the form is there (not a frame later): the Enter typed at
    // once moves to the phone instead of opening an empty self-review.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await page.keyboard.press('Enter');
    await page.keyboard.type(CUSTOMER.mobile);
    await page.getByTestId('load-customer').first().waitFor();
    await page.keyboard.press('F4');
    await page.getByTestId('linked-customer').waitFor();
    await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toMatch(/保存/);

    await page.keyboard.press('Control+l');
    await page.getByRole('heading', { name: '录入台已锁定' }).waitFor();
    await page.keyboard.type('Password123');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: '录入台已锁定' }).count()).toBe(0);
    if ((await page.getByRole('heading', { name: '现场登记' }).count()) === 0) await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await expect.poll(() => page.getByTestId('linked-customer').textContent()).toContain('韩**');
    expect(await page.getByTestId('from-record-heightCm').textContent()).toContain('168');

    await page.getByTestId('unlink-customer').click();
    await expect.poll(() => page.getByTestId('linked-customer').count()).toBe(0);
    expect(await page.getByTestId('from-record-heightCm').count()).toBe(0);
  });

  it('after a lock and unlock, the linked entry can be submitted as it is', async () => {
    await page.keyboard.press('F4'); // the phone typed before is still offered
    await page.getByTestId('linked-customer').waitFor();
    await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toMatch(/保存/);
    await page.keyboard.press('Control+l');
    await page.getByRole('heading', { name: '录入台已锁定' }).waitFor();
    await page.keyboard.type('Password123');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: '录入台已锁定' }).count()).toBe(0);
    if ((await page.getByRole('heading', { name: '现场登记' }).count()) === 0) await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('linked-customer').textContent()).toContain('韩**');
    await page.getByLabel('客户单独同意收集身份证件号码（敏感个人信息）').check();
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.getByTestId('intake-submitted').waitFor();
    expect(expectOk(await desk.client('staff.a').call('customers.card', { id: customerId })).intakes).toHaveLength(3);
    await page.keyboard.press('Enter'); // 下一位客户
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
  });

  /** Throw away the entry on screen (confirmed), for a fresh empty walk-in screen. */
  async function freshEntry(): Promise<void> {
    const empty = (await page.getByRole('textbox', { name: '手机号码', exact: true }).inputValue()) === '' && (await page.getByTestId('linked-customer').count()) === 0;
    if (empty) {
      await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
      return;
    }
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '放弃录入' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await expect.poll(() => page.getByRole('textbox', { name: '手机号码', exact: true }).inputValue()).toBe('');
  }

  for (const [how, lastFour] of [['the last four digits of the phone', CUSTOMER.mobile.slice(-4)], ['the last four characters of the ID', CUSTOMER.idNumber.slice(-4)]] as const) {
    it(`is found by ${how} and loaded in at most 15 keystrokes (F3, four keys, Enter)`, async () => {
      await freshEntry();
      const keys = keyCounter(page);
      await keys.press('F3');
      await keys.type(lastFour);
      await page.getByTestId('load-customer').first().waitFor();
      await keys.press('Enter');
      await page.getByTestId('linked-customer').waitFor();
      expect(keys.count).toBe(6);
      await expect.poll(() => page.getByTestId('from-record-mobile').textContent()).toContain('138******01');
      expect(await page.getByTestId('from-record-heightCm').textContent()).toContain('168');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('idConsent');
      await page.getByTestId('unlink-customer').click();
    });
  }

  it('a new mainland customer: the ID suggests province, city and district, and F6 takes them', async () => {
    await freshEntry();
    const keys = keyCounter(page);
    await page.keyboard.type('林雪'); // typed through an IME: not counted here
    await keys.press('Enter');
    await keys.type('13812340077'); // moves on to the document type
    await keys.press('Enter');
    await keys.type('220204198503150021'); // moves on; the county code is 吉林省吉林市船营区
    await expect.poll(() => page.getByTestId('suggested-place').textContent()).toContain('吉林省 吉林市 船营区');
    await keys.press('F6');
    await expect.poll(() => page.locator('[name="addressProvince"]').inputValue()).toBe('吉林省');
    expect(await page.locator('[name="addressCity"]').inputValue()).toBe('吉林市');
    expect(await page.locator('[name="addressDistrict"]').inputValue()).toBe('船营区');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('addressDetail');
    expect(await page.getByTestId('suggested-place').count()).toBe(0);
  });

  it('a visitor from abroad: +44 phone, nationality, an address abroad without a province, submitted', async () => {
    await freshEntry();
    await page.keyboard.type('John Smith');
    await page.keyboard.press('Enter');
    await page.keyboard.type('+44 7400 123456');
    await page.keyboard.press('Enter');
    await page.locator('[name="idType"]').selectOption('foreign_passport');
    await page.locator('[name="idNumber"]').focus();
    await page.keyboard.type('K1234567');
    await page.keyboard.press('Enter');
    await page.keyboard.type('1980-05-01');
    await page.locator('[name="nationality"]').selectOption('GB');
    await page.locator('[name="addressCountry"]').selectOption('GB');
    expect(await page.locator('[name="addressProvince"]').count()).toBe(0);
    await page.locator('[name="addressDetail"]').focus();
    await page.keyboard.type('10 Downing Street, London');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Jane Smith');
    await page.keyboard.press('Enter');
    await page.keyboard.type('+44 7400 654321');
    await page.locator('[name="skiDiscipline"]').selectOption('ski');
    await page.locator('[name="skiAbility"]').selectOption('beginner');
    await page.getByLabel('客户单独同意收集身份证件号码（敏感个人信息）').focus();
    await page.keyboard.press('Space');
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    expect(await page.getByText('所有必填项已填写，格式正确。').isVisible()).toBe(true);
    expect(await page.getByTestId('self-review').textContent()).toContain('英国');
    await page.getByRole('button', { name: '确认提交' }).click();
    await page.getByTestId('intake-submitted').waitFor();
    const [visitor] = expectOk(await desk.client('staff.a').call('customers.search', { query: '+447400123456' }));
    const card = expectOk(await desk.client('staff.a').call('customers.card', { id: visitor!.id }));
    expect(card.fields).toMatchObject({ nationality: 'GB', addressCountry: 'GB', addressProvince: '', mobile: '+44********56', emergencyMobile: '+44********21' });

    // Back next winter: the +44 phone offers the visitor to load.
    await page.keyboard.press('Enter'); // 下一位客户
    await page.getByRole('textbox', { name: '姓名', exact: true }).waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('+44 7400 123456');
    await expect.poll(() => page.getByTestId('matches').textContent()).toContain('J*** S****');
  });
});
