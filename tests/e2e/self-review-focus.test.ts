// Keyboard only through a refused self-review (user trial, 2026-12-07): back from a review that
// found a problem, the cursor is on the field with the problem, its message showing; a problem fixed
// while the review is still open, Ctrl+Enter goes on to the review's confirm button.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe';
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

afterEach(async (context) => screenshotOnFailure(context, page, 'self-review-focus'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

const focusedName = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
const focusedText = (): Promise<string> => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

describe('a self-review that found a problem, by keyboard', () => {
  it('back from it, the cursor is on the field with the problem; fixed with the review open, Ctrl+Enter goes to confirm', async () => {
    await page.keyboard.press('Alt+2');
    await typeWalkIn(page, { name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X' });
    const mobile = page.getByRole('textbox', { name: '手机号码', exact: true });
    // A phone no mobile network gives out, as a slip of the finger would make it.
    await mobile.fill('12812348801');
    await page.getByRole('textbox', { name: '姓名', exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    expect(await page.getByRole('button', { name: '确认提交' }).isDisabled()).toBe(true);
    // The review's own way back has the cursor; Enter takes it.
    expect(await focusedText()).toContain('返回修改');
    await page.keyboard.press('Enter');
    await page.getByTestId('self-review').waitFor({ state: 'detached' });
    expect(await focusedName()).toBe('mobile');
    // Its message shows beside it (the review found it; the field was never left by the keyboard).
    await page.getByText('手机号码应以 13–19 开头').waitFor();

    // Reviewed again, and the phone fixed in the form while the review stays open.
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await mobile.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('13812348801');
    await page.keyboard.press('Control+Enter');
    await expect.poll(focusedText).toContain('确认提交');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();
  });
});
