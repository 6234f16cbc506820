// Issue 11, item 15: the review screen by keyboard. Alt+4 puts focus in the queue, which opens on the
// first queue with work for this role; Enter on "bulk approve" approves (after a confirmation that
// says how many, then the result) instead of opening the record under it; the sidebar count follows
// at once.
import { seriousAxeViolations } from '../support/axe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { launchChromium, signInWithKeyboard, screenshotOnFailure, newDeskPage } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
const consent = { ...defaultConsent(), idConsent: true };



const fields = (overrides: Partial<IntakeFields>): IntakeFields => ({
  ...emptyIntakeFields(),
  addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist'], ['lead.l', 'group_lead']]);
  // Two clean records, cross-checked: both wait for the lead.
  for (const [name, mobile, idNumber] of [['李雪', '13812345670', '11010519491231002X'], ['林雪', '13812340077', '220204198503150021']] as const) {
    const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
    const { intakeId } = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields: fields({ name, mobile, idNumber }), consent, customerId: null, customerPresent: true }));
    expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_passed' }));
  }
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'lead.l', 'Password123', 'lead.l');
});

afterEach(async (context) => screenshotOnFailure(context, page, 'review-keyboard'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('the review screen by keyboard', () => {
  it('Alt+4 opens the first queue with work for the lead, with focus in it', async () => {
    await page.keyboard.press('Alt+4');
    await page.getByRole('heading', { name: '审核', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('queue-leadApproval').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe(' 2');
  });

  it('Enter opens the record under the cursor; Esc brings the cursor back into the queue, on the same row', async () => {
    await page.keyboard.press('ArrowDown');
    const selected = (): Promise<number> => page.getByTestId('queue-item').evaluateAll((items) => items.findIndex((item) => item.getAttribute('aria-selected') === 'true'));
    await expect.poll(selected).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /批准/ }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('queue-list').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');
    expect(await selected()).toBe(1);
    // The keys work on at once: ↑ moves the cursor, as before the record was opened.
    await page.keyboard.press('ArrowUp');
    await expect.poll(selected).toBe(0);
  });

  it('Enter on bulk approve asks how many, approves them, says the result, and the sidebar count follows', async () => {
    await page.keyboard.press('Shift+Tab'); // from the queue to "bulk approve"
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('bulk-approve');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('bulk-confirm').textContent()).toContain('将批准 2 条');
    expect(await page.getByTestId('queue-list').count()).toBe(1); // no record opened: the queue is still on screen
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Space on the focused choice (cancel) approves nothing.
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('bulk-confirm').count()).toBe(0);
    expect(await page.getByTestId('queue-item').count()).toBe(2);
    // The cursor is back in the queue once it has reloaded (a key pressed before then went nowhere).
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');

    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('bulk-confirm').waitFor();
    await page.keyboard.press('Shift+Tab'); // cancel → approve
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('已批准 2 条（共 2 条）。').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('review-count').count()).toBe(0);
    const valid = expectOk(await desk.client('staff.a').call('customers.search', { query: '5670' }));
    expect(valid).toHaveLength(1);
    const card = expectOk(await desk.client('staff.a').call('customers.card', { id: valid[0]!.id }));
    expect(card.intakes[0]!.status).toBe('valid');
  });
});
