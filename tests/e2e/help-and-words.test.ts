// Issue 11 item 18: home no longer says review is "coming"; F1 lists every shortcut (Ctrl+Enter
// included); the uncertified message says what to do; English mode uses English punctuation.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page | undefined;
const FULL_WIDTH = /[：，。（）；！？、]/;

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist']]);
  expectOk(await desk.manager.call('staff.create', { username: 'new.hire', displayName: '新同事', role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true }));
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', `help-and-words-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
  }
  await page?.close();
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('help and wording', () => {
  it('home does not promise review as "coming", and F1 lists every shortcut including Ctrl+Enter', async () => {
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'staff.a', 'Password123', 'staff.a');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).not.toMatch(/陆续开放|审核功能将/);
    await page.keyboard.press('F1');
    const dialog = page.getByRole('dialog', { name: '键盘快捷键' });
    await dialog.waitFor();
    const shortcuts = await dialog.locator('dt').allTextContents();
    for (const key of ['Ctrl+L', 'Alt+1…9', 'F1', 'F2', 'F3', 'F4', 'F6', 'Ctrl+Enter', 'Esc']) expect(shortcuts).toContain(key);
    expect(shortcuts.join(' ')).toMatch(/↑.*↓/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('F2');
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'staff.a' }).waitFor();
    const english = (await page.locator('main').textContent()) ?? '';
    expect(english).not.toMatch(/coming/i);
    expect(english).not.toMatch(FULL_WIDTH);
    expect((await page.locator('header').textContent()) ?? '').toContain('staff.a (');
    expect((await page.locator('header').textContent()) ?? '').not.toMatch(FULL_WIDTH);
  });

  it('tells an uncertified person what to do to be allowed to enter records', async () => {
    page = await newDeskPage(browser);
    await signInWithKeyboard(page, desk.desk.launchUrl(), 'new.hire', 'Password123', '新同事');
    await page.keyboard.press('Alt+2');
    const alert = page.getByRole('alert').filter({ hasText: '尚未通过培训考核' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/请客服经理在“员工账号”页面为您勾选“已通过培训考核”/);
  });
});
