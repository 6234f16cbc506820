// Issue 11 item 9: an invalid number does not auto-advance; its error goes away once the value is
// fixed (also after a double Enter); the checksum message does not give away the passing digit.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard, screenshotOnFailure } from '../support/browser';
import { staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;

const focusedName = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
const errorOf = (name: string) => page.locator('.field', { has: page.locator(`[name="${name}"]`) }).locator('.field__error');

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'field-errors'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('field errors at the counter', () => {
  it('keeps an invalid mobile and ID where they are, says what is wrong without the passing digit, and clears the error once fixed', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.type('韩雪原');
    await page.keyboard.press('Enter');

    // Eleven digits that are no mobile: no jump, the error at the field at once.
    await page.keyboard.type('12812348801');
    expect(await focusedName()).toBe('mobile');
    await expect.poll(() => errorOf('mobile').textContent()).toBe('手机号码应以 13–19 开头');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('13812348801');
    await expect.poll(() => errorOf('mobile').count()).toBe(0);
    await expect.poll(focusedName).not.toBe('mobile');

    // An ID whose check character is wrong (the right one is X): stays, and the message names no digit.
    await page.locator('[name="idNumber"]').focus();
    await page.keyboard.type('110105194912310021');
    expect(await focusedName()).toBe('idNumber');
    await expect.poll(() => errorOf('idNumber').count()).toBe(1);
    const message = (await errorOf('idNumber').textContent()) ?? '';
    expect(message).toContain('校验不通过');
    expect(message).not.toMatch(/X|\d/);
    // A double Enter leaves the field (the person insists); the error must still go once the number is right.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('[name="idNumber"]').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('X');
    await expect.poll(() => errorOf('idNumber').count()).toBe(0);
    expect(await page.locator('.field__error').count()).toBe(0);
  });
});
