// Issue 12, in Chromium through the browser host: a filter with no query shows its first page of
// 500 and the next page on request, each customer once; typing fast shows the results of the last
// key (searches go out without a fixed debounce and the latest input wins).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { seededRandom } from '../../shared/domain/demo';
import { writeDemoHistory } from '../../scripts/demo-history';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, setUpDesk, startDesk, tempDataDir } from '../support/desk';

let browser: Browser;
let desk: Awaited<ReturnType<typeof startDesk>>;
let page: Page;
let walkIns = 0;
let probe = { name: '', mobile: '' };

beforeAll(async () => {
  browser = await launchChromium();
  const dataDir = tempDataDir('search-e2e');
  const first = await startDesk({ dataDir });
  const admin = await connect(first);
  await setUpDesk(admin);
  admin.close();
  await first.close();
  // Customers with a history, through the op log's apply path, as `npm run demo` writes them.
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', clockStartMs: TEST_CLOCK_START });
  const managerId = core.services.staff.byUsername(MANAGER.username)?.id ?? '';
  core.services.transact(() => writeDemoHistory(core.services, { specialists: [managerId, managerId], lead: managerId, manager: managerId }, 1300, seededRandom(7), TEST_CLOCK_START - 20 * 86_400_000));
  walkIns = (core.db.prepare("SELECT count(DISTINCT customer_id) AS n FROM intakes WHERE source = 'walk_in'").get() as { n: number }).n;
  probe = core.db.prepare('SELECT name, mobile FROM customers ORDER BY created_at LIMIT 1 OFFSET 123').get() as { name: string; mobile: string };
  core.close();
  desk = await startDesk({ dataDir });
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
  await page.keyboard.press('Alt+3');
  await page.getByRole('heading', { name: '客户查询' }).waitFor();
}, 120_000);

afterAll(async () => {
  await page.close();
  await browser.close();
  await desk.close();
});

describe('customer search in the browser', () => {
  it('shows a filter with no query in pages of 500, the next page on request, each customer once', async () => {
    expect(walkIns).toBeGreaterThan(500);
    await page.getByLabel('来源').selectOption('walk_in');
    await expect.poll(() => page.getByText('500 位客户').isVisible()).toBe(true);
    await page.getByTestId('search-more').click();
    await expect.poll(() => page.getByText(`${walkIns} 位客户`).isVisible()).toBe(true);
    // The last page was short: there is no further page to ask for.
    expect(await page.getByTestId('search-more').count()).toBe(0);
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
});
