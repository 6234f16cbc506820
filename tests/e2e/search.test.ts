// Issue 12, in Chromium through the browser host: a filter with no query shows its first page of
// 500 and the next page on request (the button, ↓ on the last row, or scrolling to the end), each
// customer once, and says "the first N" while more may match; typing fast shows the results of the
// last key (searches go out without a fixed debounce and the latest input wins), and "nothing found"
// only ever answers the text on screen. The status bar's due-soon figure says "50+" when the items
// due run past the first page it reads.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { submitIntake } from '../../electron/core/intake/intake-service';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields } from '../../shared/domain/intake/fields';
import { demoCustomer, seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, expectOk, setUpDesk, startDesk, tempDataDir } from '../support/desk';

/** Customers with a walk-in visit: an exact multiple of the page, so the last page asked for comes back empty. */
const WALK_INS = 1000;

let browser: Browser;
let desk: Awaited<ReturnType<typeof startDesk>>;
let page: Page;
let walkIns = 0;
let probe = { name: '', mobile: '' };
/** A letter whose search finds someone. */
let letter = '';
/** A letter that finds as many as the UI's limit (through the real path). */
let fillsLimit = '';
/** The texts typed below (each prefix of the probe's phone, the letter) whose answer is empty: "nothing found" is right for these alone. */
const findsNobody = new Set<string>();
/** The manager's returned records: the first page as the status bar reads it, and whether the queue holds more. */
let returned = { listed: 0, due: 0, more: false };

beforeAll(async () => {
  browser = await launchChromium();
  const dataDir = tempDataDir('search-e2e');
  const first = await startDesk({ dataDir });
  const admin = await connect(first);
  await setUpDesk(admin);
  admin.close();
  await first.close();
  // Customers with a history, through the op log's apply path, as `npm run demo` writes them (the
  // manager entered them 20 days ago: what was returned to them is long overdue) ...
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', clockStartMs: TEST_CLOCK_START });
  const managerId = core.services.staff.byUsername(MANAGER.username)?.id ?? '';
  core.services.transact(() => writeDemoHistory(core.services, { specialists: [managerId, managerId], lead: managerId, manager: managerId }, 600, seededRandom(7), TEST_CLOCK_START - 20 * 86_400_000));
  const countWalkIns = (): number => (core.db.prepare("SELECT count(DISTINCT customer_id) AS n FROM intakes WHERE source = 'walk_in'").get() as { n: number }).n;
  // ... and walk-ins submitted at the counter through the intake service, up to exactly WALK_INS,
  // all of them a 张 (so that one letter, z, finds more than the UI's limit).
  const random = seededRandom(8);
  const consent = { ...defaultConsent(), idConsent: true, guardianConsent: true };
  for (let missing = WALK_INS - countWalkIns(); missing > 0; missing -= 1) {
    const customer = demoCustomer(random);
    const fields = { ...emptyIntakeFields(), ...customer, name: `张${customer.name.slice(1)}`, addressProvince: '吉林省', emergencyName: '联系人', emergencyMobile: '13900001111', guardianName: '监护人', guardianMobile: '13700001111' };
    submitIntake(core.services, managerId, { draftId: '', fields, consent, customerId: null, customerPresent: true }, { source: 'walk_in', startedAt: core.services.ctx.now(), draftId: null });
  }
  walkIns = countWalkIns();
  probe = core.db.prepare('SELECT name, mobile FROM customers ORDER BY created_at LIMIT 1 OFFSET 123').get() as { name: string; mobile: string };
  core.close();
  desk = await startDesk({ dataDir });
  // What the real path answers, asked as the manager before the browser signs in.
  const rpc = await connect(desk);
  expectOk(await rpc.call('auth.login', { username: MANAGER.username, password: MANAGER.password }));
  const finds = async (query: string): Promise<number> => expectOk(await rpc.call('customers.search', { query, limit: 500 })).length;
  for (let length = 1; length <= probe.mobile.length; length += 1) {
    const prefix = probe.mobile.slice(0, length);
    if ((await finds(prefix)) === 0) findsNobody.add(prefix);
  }
  for (const each of ['w', 'l', 'y', 'h', 'z']) {
    const found = await finds(each);
    if (found > 0 && !letter) letter = each;
    if (found === 500 && !fillsLimit) fillsLimit = each;
  }
  const queues = expectOk(await rpc.call('review.queues', {}));
  returned = {
    listed: queues.returnedToMe.length,
    due: queues.returnedToMe.filter((item) => item.deadline && item.deadline.state !== 'ok').length,
    more: queues.pages.returnedToMe.capped || queues.pages.returnedToMe.cursor !== null,
  };
  rpc.close();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
  await page.keyboard.press('Alt+3');
  await page.getByRole('heading', { name: '客户查询' }).waitFor();
}, 180_000);

afterEach(async (context) => screenshotOnFailure(context, page, 'search'));

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await desk?.close();
});

/** The search screen's status line (the count, or "nothing found"). */
const STATUS = 'section[aria-labelledby="search-title"] p[aria-live="polite"]';
const status = (): Promise<string | null> => page.locator(STATUS).textContent();
/** Index (1-based) of the row under the cursor, read from the DOM. */
const selectedPosition = (): Promise<string | null> => page.locator('[data-testid="search-result"][aria-selected="true"]').getAttribute('aria-posinset');

interface Seen {
  status: string | null;
  typed: string;
}
/** From here on, every text the status line shows, however briefly, is kept in `window.__seen` with the text in the box at that moment. */
async function watchStatus(): Promise<void> {
  await page.evaluate((selector) => {
    const line = document.querySelector(selector);
    const box = document.querySelector<HTMLInputElement>('#customer-search');
    if (!line || !box) throw new Error('no status line or search box');
    const seen: Seen[] = [];
    (window as unknown as { __seen: Seen[] }).__seen = seen;
    const record = (): number => seen.push({ status: line.textContent, typed: box.value });
    new MutationObserver(record).observe(line, { childList: true, characterData: true, subtree: true });
    // And after each key has been handled (a line that stays "nothing found" into a new text changes no node).
    box.addEventListener('input', () => queueMicrotask(record));
  }, STATUS);
}
const seenStatus = (): Promise<Seen[]> => page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);

async function showWalkIns(): Promise<void> {
  await page.locator('#customer-search').fill('');
  await page.getByLabel('来源').selectOption('');
  await expect.poll(status).toBe('');
  await page.getByLabel('来源').selectOption('walk_in');
  await expect.poll(status).toBe('前 500 位客户');
}

describe('customer search in the browser', () => {
  it('says "the first 500" for a filter while more match; 显示更多 brings the next page, and goes when a page comes back empty', async () => {
    expect(walkIns).toBe(WALK_INS);
    await page.getByLabel('来源').selectOption('walk_in');
    await expect.poll(status).toBe('前 500 位客户');
    expect(await page.getByTestId('search-more').textContent()).toBe('显示更多');
    await page.getByTestId('search-more').click();
    // The second page came back full: there may be more, and the line says so.
    await expect.poll(status).toBe(`前 ${WALK_INS} 位客户`);
    // The third is empty: now the count is the total, and there is nothing further to ask for.
    await page.getByTestId('search-more').click();
    await expect.poll(status).toBe(`${WALK_INS} 位客户`);
    expect(await page.getByTestId('search-more').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('brings the next page by ↓ on the last row, and by scrolling to the end of the list', async () => {
    await showWalkIns();
    await page.locator('#customer-search').focus();
    await expect.poll(selectedPosition).toBe('1');
    for (let step = 0; step < 499; step += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(selectedPosition).toBe('500');
    await page.keyboard.press('ArrowDown');
    await expect.poll(status).toBe(`前 ${WALK_INS} 位客户`);
    await expect.poll(selectedPosition).toBe('501');
    // Again from the first page, this time scrolling the list to its end.
    await showWalkIns();
    await page.locator('#search-results').evaluate((list) => list.scrollTo({ top: list.scrollHeight }));
    await expect.poll(status).toBe(`前 ${WALK_INS} 位客户`);
  });

  it('says "the first 500 — type more" for a query that fills the limit', async () => {
    expect(fillsLimit).not.toBe('');
    await page.getByLabel('来源').selectOption('');
    await page.locator('#customer-search').fill(fillsLimit);
    await expect.poll(status).toBe('前 500 位客户，输入更多以缩小范围');
    // A query is not paged: no button, and ↓ stops on the last row.
    expect(await page.getByTestId('search-more').count()).toBe(0);
  });

  it('never shows "nothing found" while the answer for a phone typed digit by digit, or one letter, is on its way', async () => {
    expect(letter).not.toBe('');
    // The whole phone finds its customer: "nothing found" must never be read for it.
    expect(findsNobody.has(probe.mobile)).toBe(false);
    const box = page.locator('#customer-search');
    await page.getByLabel('来源').selectOption('');
    await box.fill('');
    await expect.poll(status).toBe('');
    await watchStatus();
    await box.focus();
    await page.keyboard.type(probe.mobile);
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    await expect.poll(status).toBe('1 位客户');
    await box.fill('');
    await expect.poll(status).toBe('');
    await page.keyboard.type(letter);
    await expect.poll(async () => /位客户/.test((await status()) ?? '')).toBe(true);
    // "Nothing found" was shown only for a text whose own answer is empty.
    const nothingFor = (await seenStatus()).filter((seen) => seen.status === '没有找到客户').map((seen) => seen.typed);
    expect(nothingFor.filter((typed) => !findsNobody.has(typed))).toEqual([]);
    // "Nothing found" is still said, once the answer for the text on screen is empty.
    await box.fill('00000000000');
    await expect.poll(status).toBe('没有找到客户');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows the results of the last key when typed without pause', async () => {
    await page.getByLabel('来源').selectOption('');
    const box = page.locator('#customer-search');
    await box.fill('');
    await box.focus();
    await page.keyboard.type(probe.mobile);
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1);
    // Now by name: each character sent as it is typed, the last one decides what is shown.
    await box.fill('');
    await page.keyboard.type(probe.name);
    await expect.poll(async () => (await page.getByTestId('search-result').count()) > 0).toBe(true);
    const shown = await page.getByTestId('search-result').first().textContent();
    expect(shown?.startsWith([...probe.name][0] ?? '')).toBe(true);
  });

  it('says "50+" in the status bar when the first page of a queue is all due and the queue holds more', async () => {
    expect(returned).toEqual({ listed: 50, due: 50, more: true });
    await expect.poll(() => page.getByTestId('due-soon').textContent()).toMatch(/^\d+\+ 项即将到期或已超时$/);
  });
});
