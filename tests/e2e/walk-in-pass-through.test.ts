// User trial (2026-12-07): the cursor passing through an empty walk-in form (F3 to the quick find
// from the name it opens on) does not mark the name "必填"; a field typed into and emptied does.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard, screenshotOnFailure } from '../support/browser';
import { staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'walk-in-pass-through'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('an empty walk-in form the cursor passes through', () => {
  it('shows no "required" on the name left by F3, and shows it once something was typed and taken away', async () => {
    await page.keyboard.press('Alt+2');
    const name = page.getByRole('textbox', { name: '姓名', exact: true });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await page.keyboard.press('F3');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).not.toBe('name');
    const required = page.locator('form').getByText('必填', { exact: true });
    // Give a wrongly shown message the time to appear: the blur's render and the whole-form check after it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await required.count()).toBe(0);
    expect(await name.getAttribute('aria-invalid')).not.toBe('true');

    await name.focus();
    await page.keyboard.type('韩');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab');
    await expect.poll(() => required.count()).toBeGreaterThan(0);
  });
});
