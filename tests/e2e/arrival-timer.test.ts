// Issue 11 item 8 on screen: an empty walk-in entry shows its timer as not started; the first detail
// typed (or F7, "customer arrived") starts it, and the core records the arrival for the stored duration.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard, screenshotOnFailure } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'arrival-timer'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('the walk-in timer on screen', () => {
  it('stays unstarted on an empty entry, and starts at the first detail typed', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    const timer = page.getByTestId('walkin-timer');
    await expect.poll(() => timer.textContent()).toContain('未开始计时');
    const opened = expectOk(await desk.client('staff.a').call('intake.draft.current', {}));
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.type('韩');
    await expect.poll(() => timer.textContent()).toContain('客户已等候');
    // The core has the arrival: the entry's start moved from its opening to the first detail.
    await expect.poll(async () => expectOk(await desk.client('staff.a').call('intake.draft.current', {}))?.startedAt).not.toBe(opened?.startedAt);
  });

  it('starts with F7 (customer arrived) before anything is typed', async () => {
    await page.close();
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.b', 'Password123', 'staff.b');
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    const timer = page.getByTestId('walkin-timer');
    await expect.poll(() => timer.textContent()).toContain('未开始计时');
    await page.keyboard.press('F7');
    await expect.poll(() => timer.textContent()).toContain('客户已等候');
  });
});
