// Issue 12 ("keystroke → next paint in the walk-in form: p95 < 16 ms"): a keystroke renders the row
// typed in, not the whole form. Seen through Chromium's own precise coverage (call counts per
// function) on the production bundle the browser host serves, with no test build and nothing added
// to the app: the function that draws a row's marks (the "from the record" line, the card mark,
// the clear and 表上未填 controls) runs for the row typed in, not for every row of the form.
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/connection';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { databasePath } from '../../electron/core/paths';
import { launchChromium, newDeskPage, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
let cdp: CDPSession;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
  cdp = await page.context().newCDPSession(page);
  await cdp.send('Debugger.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
});

afterEach(async (context) => screenshotOnFailure(context, page, 'walk-in-one-row'));

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

/**
 * How often the function whose source holds `marker` (the smallest one around it) ran since the
 * last call; Chromium resets its counters each time they are taken.
 */
async function callsOf(marker: string): Promise<number> {
  const { result } = await cdp.send('Profiler.takePreciseCoverage');
  let calls = 0;
  let found = false;
  for (const script of result) {
    if (!script.url.includes('/assets/')) continue;
    const { scriptSource } = await cdp.send('Debugger.getScriptSource', { scriptId: script.scriptId });
    const at = scriptSource.indexOf(marker);
    if (at < 0) continue;
    const around = script.functions
      .map((fn) => fn.ranges[0])
      .filter((range): range is NonNullable<typeof range> => range !== undefined && range.startOffset <= at && at < range.endOffset)
      .sort((a, b) => a.endOffset - a.startOffset - (b.endOffset - b.startOffset))[0];
    if (around) {
      found = true;
      calls += around.count;
    }
  }
  if (!found) throw new Error(`no function around ${marker} in the served bundle`);
  return calls;
}

/** The names in the desk's saved drafts (the encrypted database, read directly). */
function draftNames(): string[] {
  const db = openDatabase(databasePath(desk.desk.dataDir), readOrCreateKeyFile(desk.desk.dataDir, { create: false }));
  try {
    return (db.prepare('SELECT fields FROM drafts').all() as Array<{ fields: string }>).map((row) => (JSON.parse(row.fields) as { name: string }).name);
  } finally {
    db.close();
  }
}

/** Type one key into the focused field and wait until the draft holding it is saved. */
async function typeAndSettle(key: string, field: string, expected: string): Promise<void> {
  await page.keyboard.type(key);
  await expect.poll(() => page.locator(`[name="${field}"]`).inputValue()).toBe(expected);
  await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toContain('已自动保存');
}

describe('a keystroke in the walk-in form renders the row typed in', () => {
  it('typing into the name and the phone runs the row code of that row alone, not of the thirty others', async () => {
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    const rows = await page.locator('.field-with-clear').count();
    expect(rows).toBeGreaterThan(20);

    // The first key starts the customer's timer (a render of its own); count from the second.
    await typeAndSettle('L', 'name', 'L');
    await callsOf('from-record');
    await typeAndSettle('i', 'name', 'Li');
    const nameKey = await callsOf('from-record');
    expect(nameKey).toBeGreaterThanOrEqual(1); // the name's own row did render
    expect(nameKey).toBeLessThanOrEqual(2);

    // The phone is a field others depend on (the whole form is validated again): still its row alone.
    await page.locator('[name="mobile"]').focus();
    await typeAndSettle('1', 'mobile', '1');
    await callsOf('from-record');
    await typeAndSettle('3', 'mobile', '13');
    const phoneKey = await callsOf('from-record');
    expect(phoneKey).toBeGreaterThanOrEqual(1);
    expect(phoneKey).toBeLessThanOrEqual(2);
  });

  it('a Chinese name typed through an input method (composition) arrives whole, not the letters typed meanwhile', async () => {
    const name = page.locator('[name="name"]');
    await name.fill('');
    await name.focus();
    await cdp.send('Input.imeSetComposition', { text: 'ou', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.imeSetComposition', { text: 'ouyang', selectionStart: 6, selectionEnd: 6 });
    await cdp.send('Input.imeSetComposition', { text: '欧阳', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.insertText', { text: '欧阳' });
    await cdp.send('Input.imeSetComposition', { text: 'nana', selectionStart: 4, selectionEnd: 4 });
    await cdp.send('Input.insertText', { text: '娜娜' });
    await expect.poll(() => name.inputValue()).toBe('欧阳娜娜');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await expect.poll(() => draftNames()).toContain('欧阳娜娜');
  });
});
