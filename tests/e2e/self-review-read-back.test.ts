// Issue 11 item 11: self-review reads back every field entered, address, gender, VIP and remarks included.
import { seriousAxeViolations } from '../support/axe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard, screenshotOnFailure } from '../support/browser';
import { staffedDesk } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;



beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'self-review'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('self-review read-back', () => {
  it('reads back every field entered: address, gender, VIP, helmet, remarks as well as name, phone and ID', async () => {
    await page.keyboard.press('Alt+2');
    await typeWalkIn(page, { name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X', vip: true });
    await page.getByLabel('需要头盔').check();
    await page.getByRole('textbox', { name: '备注' }).fill('左膝旧伤\n需要初级教练');
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    const readBack = async (key: string): Promise<string> => (await page.getByTestId(`read-back-${key}`).locator('dd').textContent()) ?? '';
    expect(await readBack('name')).toBe('韩雪原');
    expect(await readBack('mobile')).toContain('13812348801');
    expect(await readBack('idType')).toContain('居民身份证');
    expect(await readBack('idNumber')).toBe('11010519491231002X');
    expect(await readBack('birthDate')).toMatch(/^1949-12-31/);
    expect(await readBack('gender')).toBe('女');
    expect(await readBack('address')).toMatch(/^吉林省 吉林市 \S+ 松江东路 88 号$/);
    expect(await readBack('emergencyName')).toBe('单强');
    expect(await readBack('emergencyMobile')).toBe('13900001111');
    expect(await readBack('skiDiscipline')).toBe('双板');
    expect(await readBack('skiAbility')).toBe('初级');
    expect(await readBack('heightCm')).toBe('168');
    expect(await readBack('weightKg')).toBe('55');
    expect(await readBack('bootMondo')).toBe('25.5');
    expect(await readBack('helmet')).toBe('是');
    expect(await readBack('grade')).toBe('VIP / 重要客户');
    expect(await readBack('remarks')).toBe('左膝旧伤\n需要初级教练');
    // Nothing left unchosen is read back as if it had been said.
    expect(await page.getByTestId('read-back-lessons').count()).toBe(0);
    expect(await page.getByTestId('read-back-stance').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
