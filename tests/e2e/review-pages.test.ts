// Issue 12: a long review queue opens on its first page, most urgent first, says how many wait in
// all, and brings the next page by keyboard (↓ on the last item) or by the button under it
// (docs/decisions/0024).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { demoCustomer, seededRandom } from '../../shared/domain/demo';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

const WAITING = 57;
let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
  const random = seededRandom(4242);
  const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
  // More walk-ins waiting for a cross-check than one page holds, each with its own customer.
  for (let index = 0; index < WAITING; index += 1) {
    const fields = { ...emptyIntakeFields(), ...demoCustomer(random), addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', guardianName: '监护人', guardianMobile: '13700001111' };
    const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
    expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields, consent, customerId: null, customerPresent: true, cleared: [] }));
  }
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.b', 'Password123', 'staff.b');
}, 120_000);

afterEach(async (context) => screenshotOnFailure(context, page, 'review-pages'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

const selected = (): Promise<number> => page.evaluate(() => [...document.querySelectorAll('[data-testid="queue-item"]')].findIndex((item) => item.getAttribute('aria-selected') === 'true'));

describe('a long review queue', () => {
  it('opens on its first page with the count of all, and ↓ on the last item brings the next page', async () => {
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(50);
    expect(await page.getByTestId('queue-total').textContent()).toBe(`共 ${WAITING} 条`);
    expect(await page.getByTestId('queue-crossCheck').textContent()).toContain(String(WAITING));
    expect(await page.getByTestId('queue-more').textContent()).toContain('已显示 50 条');
    for (let step = 0; step < 49; step += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe(49);
    // One more ↓: the next page comes, and the cursor moves onto its first item.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(WAITING);
    await expect.poll(selected).toBe(50);
    expect(await page.getByTestId('queue-more').count()).toBe(0);
    const ids = await page.getByTestId('queue-item').allTextContents();
    expect(ids).toHaveLength(WAITING);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Enter opens the record under the cursor, on the second page.
    await page.keyboard.press('Enter');
    await page.getByTestId('queue-list').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /交叉审核通过/ }).waitFor();
  });

  it('brings the next page by the button too, and lists every record once', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('queue-list').waitFor();
    // Back from the record: the pages already loaded are still there.
    expect(await page.getByTestId('queue-item').count()).toBe(WAITING);
    // Away and back: the screen opens on the first page again.
    await page.keyboard.press('Alt+1');
    await page.getByTestId('queue-list').waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(50);
    await page.getByTestId('queue-more').click();
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(WAITING);
    // The cursor is on the first new item, and the focus back in the queue (the button is gone).
    await expect.poll(selected).toBe(50);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-list');
    const listed = await page.getByTestId('queue-item').evaluateAll((items) => items.map((item) => item.textContent));
    expect(listed).toHaveLength(WAITING);
    const pages = expectOk(await desk.client('staff.b').call('review.queues', {}));
    expect(pages.pages.crossCheck).toMatchObject({ count: WAITING, capped: false });
    const rest = expectOk(await desk.client('staff.b').call('review.queuePage', { queue: 'crossCheck', cursor: pages.pages.crossCheck.cursor! }));
    expect(new Set([...pages.crossCheck, ...rest.items].map((item) => item.intakeId)).size).toBe(WAITING);
    expect(rest.cursor).toBeNull();
  });
});
