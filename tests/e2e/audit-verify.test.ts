// Issue 12 item 3: the audit verification runs off the request path and shows its progress on the
// Audit screen while it runs; its result (with when it ran) is still there after the manager goes
// to another page and comes back. A real desk with a season's worth of audit entries, in Chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../electron/core/core';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { MANAGER, TEST_CLOCK_START, connect, setUpDesk, startDesk, tempDataDir } from '../support/desk';

const ENTRIES = 20_000;
type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
let browser: Browser;
let page: Page | undefined;

/** A set-up desk whose audit log holds `ENTRIES` more entries, written the way the core writes them. */
async function deskWithAuditLog(): Promise<Desk> {
  const dataDir = tempDataDir('audit-verify');
  const first = await startDesk({ dataDir });
  const admin = await connect(first);
  await setUpDesk(admin);
  admin.close();
  await first.close();
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', clockStartMs: TEST_CLOCK_START });
  core.services.transact(() => {
    for (let i = 0; i < ENTRIES; i += 1) core.services.audit.append(null, 'customer.reveal', `cus_${i}`, { field: 'mobile', reason: 'test' });
  });
  core.close();
  return startDesk({ dataDir });
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'audit-verify');
  await page?.close().catch(() => undefined);
  page = undefined;
  await desk?.close();
  desk = undefined;
});

afterAll(async () => {
  await browser?.close();
});

describe('audit verification on the Audit screen', () => {
  it('shows the progress while it runs, then the result, still there after another page and back', async () => {
    desk = await deskWithAuditLog();
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
    await page.keyboard.press('Alt+7');
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();

    // Everything the screen shows while the verification runs, as it shows it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const box = document.querySelector('[data-testid="audit-verify-progress"]');
        const bar = box?.querySelector('progress');
        const button = Array.from(document.querySelectorAll('button')).find((each) => each.classList.contains('primary'));
        if (box) seen.push(`${button?.getAttribute('aria-disabled')}|${button?.textContent}|${bar?.getAttribute('aria-label')}|${box.textContent}`);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByRole('button', { name: '校验完整性' }).click();
    const result = page.getByTestId('audit-verify-result');
    await result.waitFor();
    const text = await result.textContent();
    const entries = Number(/审计链完整，共 (\d+) 条记录/.exec(text ?? '')?.[1]);
    expect(entries).toBeGreaterThan(ENTRIES);
    expect(text).toMatch(/校验于 .+/);

    // While it ran: the button said so and could not be pressed again, and a named bar and a line said how far it was.
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.length).toBeGreaterThan(0);
    for (const each of seen) expect(each.startsWith('true|正在校验…|审计链校验进度|')).toBe(true);
    const counted = seen.map((each) => /已校验 ([\d,]+) \/ ([\d,]+) 条 \((\d+)%\)/.exec(each)).filter((match) => match !== null);
    expect(counted.length).toBeGreaterThan(0);
    for (const match of counted) expect(Number(match[2]!.replaceAll(',', ''))).toBeGreaterThan(ENTRIES);
    // Done: the button is back, and the verification is on the record at the top of the list.
    await expect.poll(() => page!.getByRole('button', { name: '校验完整性' }).getAttribute('aria-disabled')).toBe('false');
    await expect.poll(() => page!.getByRole('cell', { name: '校验审计日志' }).count()).toBeGreaterThan(0);

    expect(await seriousAxeViolations(page)).toEqual([]);

    // Another page, then back: the result and when it ran are still there.
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor({ state: 'detached' });
    await page.keyboard.press('Alt+7');
    await page.getByRole('heading', { name: '审计日志', level: 1 }).waitFor();
    expect(await page.getByTestId('audit-verify-result').textContent()).toBe(text);
  });
});
