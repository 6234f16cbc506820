// Limits in the form: 备注 (remarks) is a multi-line field that stops at the schema's 500 characters
// and shows how many are used; every text field's maxLength is the schema's number.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../../shared/domain/intake/fields';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { connect, expectOk, setUpDesk, startDesk } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let browser: Browser;
let desk: Desk | undefined;
let page: Page | undefined;

async function walkInPage(): Promise<Page> {
  desk = await startDesk();
  const admin = await connect(desk);
  await setUpDesk(admin);
  expectOk(await admin.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  admin.close();
  const opened = await newDeskPage(browser);
  page = opened;
  await signInWithKeyboard(opened, desk.launchUrl(), 'zhao.min', 'Specialist1', '赵敏');
  await opened.keyboard.press('Alt+2');
  await opened.getByRole('heading', { name: '现场登记' }).waitFor();
  return opened;
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', `limits-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
  }
  await page?.close().catch(() => undefined);
  page = undefined;
  await desk?.close();
  desk = undefined;
});

afterAll(async () => {
  await browser?.close();
});

describe('field limits in the walk-in form', () => {
  it('备注 is multi-line, counts 123/500 while typing and stops at 500 showing 500/500', async () => {
    const form = await walkInPage();
    const remarks = form.getByLabel('备注');
    expect(await remarks.evaluate((element) => element.tagName)).toBe('TEXTAREA');
    await remarks.focus();
    await form.keyboard.type('第一行');
    await form.keyboard.press('Enter'); // a new line, not the next field
    await form.keyboard.type('x'.repeat(119));
    expect(await remarks.inputValue()).toBe(`第一行\n${'x'.repeat(119)}`);
    await expect.poll(() => form.getByTestId('char-count').textContent()).toBe('123/500');

    // Typing (and pasting) past the limit stops at 500 characters.
    await form.keyboard.insertText('雪'.repeat(400));
    await form.keyboard.type('多出来的字');
    expect((await remarks.inputValue()).length).toBe(500);
    await expect.poll(() => form.getByTestId('char-count').textContent()).toBe('500/500');
    await expect.poll(() => form.getByTestId('draft-save-state').textContent()).toContain('已自动保存');
  });

  it('gives every text field the maxLength of its schema', async () => {
    const form = await walkInPage();
    const lengths = await form.locator('form input[name], form textarea[name]').evaluateAll((elements) =>
      elements.filter((element) => !(element as HTMLInputElement).readOnly && (element as HTMLInputElement).type !== 'checkbox').map((element) => [(element as HTMLInputElement).name, (element as HTMLInputElement).maxLength] as const),
    );
    expect(lengths.length).toBeGreaterThan(5);
    for (const [name, maxLength] of lengths) expect([name, maxLength]).toEqual([name, TEXT_LIMITS[name as keyof typeof TEXT_LIMITS]]);
  });
});
