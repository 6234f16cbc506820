// Pasting about 1.1 million characters into 备注 (remarks) on the walk-in screen: the host stays up,
// what was already saved stays saved, and the person sees either the field's own limit (the text
// is cut to its maxLength) or 内容过长，未保存 with what they pasted still in the field.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Draft } from '../../shared/api/intake-contract';
import { launchChromium, signInWithKeyboard, newDeskPage } from '../support/browser';
import { connect, expectOk, setUpDesk, signedIn, startDesk } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  desk = await startDesk();
  const admin = await connect(desk);
  await setUpDesk(admin);
  expectOk(await admin.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  admin.close();
  browser = await launchChromium();
  page = await newDeskPage(browser);
  await signInWithKeyboard(page, desk.launchUrl(), 'zhao.min', 'Specialist1', '赵敏');
});

afterEach(async (context) => {
  if (context.task.result?.state !== 'fail' || !page) return;
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: path.join('test-results', 'long-paste.png') }).catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('a very long paste into 备注', () => {
  it('leaves the host serving, keeps what was saved, and tells the person', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '现场登记' }).waitFor();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('name');
    await page.keyboard.type('单雪');
    await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toContain('已自动保存');

    const remarks = page.locator('[name="remarks"]');
    await remarks.focus();
    const pasted = '长'.repeat(1_100_000);
    await page.keyboard.insertText(pasted);

    const limit = await remarks.evaluate((element) => (element as HTMLInputElement | HTMLTextAreaElement).maxLength);
    const value = await remarks.inputValue();
    const stoppedByField = limit > 0 && limit < pasted.length;
    if (stoppedByField) {
      // The field's own limit stopped the paste: only that much is in the field.
      expect(value.length).toBe(limit);
    } else {
      // The transport refused the save: the person is told, and the pasted text is still there.
      await expect.poll(() => page.getByTestId('draft-save-state').textContent()).toContain('内容过长，未保存');
      expect(value.length).toBe(pasted.length);
    }

    // The host still answers, and the draft saved before the paste is intact (and, when the field
    // cut the paste, holds what the field kept).
    const colleague = await signedIn(desk, 'zhao.min', 'Specialist1');
    expectOk(await colleague.call('app.ping'));
    const savedDraft = async (): Promise<Draft | null> => expectOk(await colleague.call('intake.draft.current')) as Draft | null;
    await expect.poll(async () => (await savedDraft())?.fields.name).toBe('单雪');
    if (stoppedByField) await expect.poll(async () => (await savedDraft())?.fields.remarks.length).toBe(limit);
    colleague.close();
    expect(await page.locator('[name="name"]').inputValue()).toBe('单雪');
  });
});
