// Issue 11 item 14: an ID card reader that types like a keyboard (a "wedge"). A line typed at
// reader speed and ending in Enter is taken as a read: the number (document type: resident ID), and
// from a full line the name and address, fill the entry marked "read from the ID card"; birth date,
// gender and age follow from the number; the reader's Enter does not move the cursor a second time.
// The same number typed at a person's pace is ordinary typing.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotOnFailure, signInWithKeyboard } from '../support/browser';
import { staffedDesk } from '../support/desk';
import { HUMAN_KEY_DELAY_MS } from '../support/walk-in';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page;
/** 吉林省吉林市昌邑区, born 1990-01-01, male. */
const ID = '220202199001011234';
const focused = (): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.getAttribute('name'));

/** Milliseconds between a wedge reader's keystrokes (as the operating system stamps them). */
const READER_KEY_GAP_MS = 4;

/**
 * What a wedge reader does: the whole line as keystrokes 4 ms apart, then Enter. Sent through the
 * DevTools protocol with each key's device timestamp, so the page sees the reader's timing however
 * busy this machine is.
 */
async function readerTypes(line: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000;
  const keys = [...[...line].map((char) => ({ key: char, text: char })), { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' }];
  const sent: Array<Promise<unknown>> = [];
  keys.forEach((key, index) => {
    const timestamp = start + (index * READER_KEY_GAP_MS) / 1000;
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, timestamp }));
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, timestamp: timestamp + 0.001 }));
  });
  await Promise.all(sent);
  await cdp.detach();
}

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  browser = await launchChromium();
  // Not newDeskPage: Playwright's fake clock replaces every event's timeStamp with its own reading
  // when the page looks at it, which hides the keystroke timing that tells a reader from a person.
  // Nothing here depends on the date (the ID's birth date is 1990).
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
  await page.keyboard.press('Alt+2');
  await page.getByRole('heading', { name: '现场登记' }).waitFor();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'id-card-reader');
  // A fresh entry for the next test.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: '放弃录入' }).click();
  await expect.poll(focused).toBe('name');
  await expect.poll(() => page.locator('[name="idNumber"]').inputValue()).toBe('');
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('ID card reader (keyboard wedge)', () => {
  // The phone is typed just before the reader (in the production build within the 120 ms that joins keystrokes into
  // one line): the read is the tail of the keystrokes at reader speed that reads as a card (readFromStrokes).
  it('a number read into the ID field: filled, resident ID set, one move only, marked as read from the card', async () => {
    await page.keyboard.type('张伟');
    await page.keyboard.press('Enter');
    await page.keyboard.type('13812340001');
    await expect.poll(focused).toBe('idType');
    await page.locator('[name="idType"]').selectOption('cn_passport');
    await page.locator('[name="idNumber"]').focus();
    await readerTypes(ID);
    await expect.poll(() => page.locator('[name="idType"]').inputValue()).toBe('cn_resident_id');
    expect(await page.locator('[name="idNumber"]').inputValue()).toBe(ID);
    await expect.poll(() => page.getByTestId('derived-birth-date').inputValue()).toBe('1990-01-01');
    expect(await page.getByTestId('derived-gender').inputValue()).toBe('male');
    expect(await page.getByTestId('from-card-idNumber').textContent()).toBe('读自身份证');
    // The cursor is on what follows the ID (the landline), not one further for the reader's Enter.
    expect(await focused()).toBe('landline');
  });

  it('a full card line read while the cursor is in the name: name, number and address filled, cursor on the phone', async () => {
    await expect.poll(focused).toBe('name');
    await readerTypes(['张伟', '男', '汉', '19900101', '吉林省吉林市昌邑区松江东路88号', ID, '吉林市公安局昌邑分局', '20200101-20400101'].join('|'));
    await expect.poll(() => page.locator('[name="name"]').inputValue()).toBe('张伟');
    expect(await page.locator('[name="idNumber"]').inputValue()).toBe(ID);
    expect(await page.locator('[name="addressProvince"]').inputValue()).toBe('吉林省');
    expect(await page.locator('[name="addressCity"]').inputValue()).toBe('吉林市');
    expect(await page.locator('[name="addressDistrict"]').inputValue()).toBe('昌邑区');
    expect(await page.locator('[name="addressDetail"]').inputValue()).toBe('松江东路88号');
    for (const field of ['name', 'idNumber', 'addressProvince', 'addressDetail']) expect(await page.getByTestId(`from-card-${field}`).count()).toBe(1);
    expect(await focused()).toBe('mobile');
    // Editing a card value takes its mark away.
    await page.locator('[name="name"]').focus();
    await page.keyboard.press('End');
    await page.keyboard.type('明');
    await expect.poll(() => page.getByTestId('from-card-name').count()).toBe(0);
    expect(await page.getByTestId('from-card-idNumber').count()).toBe(1);
  });

  it('the same number typed at a person’s pace is typing: no mark, Enter moves on as usual', async () => {
    await page.keyboard.type('张伟');
    await page.keyboard.press('Enter');
    await page.keyboard.type('13812340001');
    await expect.poll(focused).toBe('idType');
    await page.keyboard.press('Enter');
    await page.keyboard.type(ID, { delay: HUMAN_KEY_DELAY_MS });
    await expect.poll(focused).toBe('landline');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('grade');
    expect(await page.getByTestId('from-card-idNumber').count()).toBe(0);
  });
});
