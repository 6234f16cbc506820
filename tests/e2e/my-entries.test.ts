// Issue 11 item 13: before the customer leaves, a confirmation view of what was recorded (masked ID
// and phone, name, ski profile, consent given); "my entries today" lists what this staff member
// entered today, each with its status, and nobody else's.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { launchChromium, newDeskPage, signInWithKeyboard, screenshotOnFailure } from '../support/browser';
import { customer } from '../support/backup';
import { expectOk, staffedDesk } from '../support/desk';
import { typeWalkIn } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  const consent = { ...defaultConsent(), idConsent: true };
  // One earlier entry of A's, already cross-checked; one of B's, which A must not see.
  const mine = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
  const { intakeId } = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: mine.id, fields: customer(3), consent, customerId: null, customerPresent: true }));
  expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_passed' }));
  const theirs = expectOk(await desk.client('staff.b').call('intake.draft.start', { customerId: null }));
  expectOk(await desk.client('staff.b').call('intake.submit', { draftId: theirs.id, fields: customer(4), consent, customerId: null, customerPresent: true }));
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'my-entries'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('my entries today', () => {
  it('shows the customer a masked confirmation and lists this person’s entries of today with their status', async () => {
    await page.keyboard.press('Alt+2');
    await typeWalkIn(page, { name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X' });
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('self-review').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('intake-submitted').waitFor();
    const confirmation = (await page.getByTestId('customer-confirmation').textContent()) ?? '';
    for (const shown of ['韩*', '138******01', '居民身份证', '双板', '初级', '168', '25.5', '入场登记']) expect(confirmation).toContain(shown);
    expect(confirmation).not.toContain('13812348801');
    expect(confirmation).not.toContain('11010519491231002X');
    expect(confirmation).not.toContain('韩雪原');
    const rows = page.getByTestId('my-entry');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByRole('heading', { name: '我今天的录入（2 条）' }).isVisible()).toBe(true);
    const text = await rows.allTextContents();
    expect(text[0]).toContain('韩*');
    expect(text[0]).toContain('待交叉审核');
    expect(text[1]).toContain('待组长审批');
  });
});
