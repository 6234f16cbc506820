// Issue 11 item 18: a new account signs in with the password the manager gave and must choose its
// own on a clear screen before the desk opens; the screen is in Chinese and English.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../support/axe';
import { launchChromium, newDeskPage, screenshotOnFailure } from '../support/browser';
import { expectOk, signedIn, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  desk = await staffedDesk([]);
  expectOk(await desk.manager.call('staff.create', { username: 'new.hire', displayName: '新同事', role: 'specialist', certified: true, password: 'Initial2026' }));
  browser = await launchChromium();
});

afterEach(async (context) => {
  await screenshotOnFailure(context, page, 'first-password');
  await page?.close();
  page = undefined;
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

describe('first sign-in', () => {
  it('asks a new account for its own password by keyboard, then opens the desk', async () => {
    page = await newDeskPage(browser);
    await page.goto(desk.desk.launchUrl());
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.keyboard.type('new.hire');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Initial2026');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '请设置您自己的密码' }).waitFor();
    expect(await page.getByTestId('signed-in-user').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The screen is there in English too (F2), and back.
    await page.keyboard.press('F2');
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
    await page.keyboard.press('F2');
    await page.getByRole('heading', { name: '请设置您自己的密码' }).waitFor();

    // Focus starts in the first box; mismatched repeats are named at the field.
    await page.keyboard.type('Initial2026');
    await page.keyboard.press('Tab');
    await page.keyboard.type('MyOwn2026');
    await page.keyboard.press('Tab');
    await page.keyboard.type('MyOwn2027');
    await page.keyboard.press('Enter');
    await page.getByText('两次输入的新密码不一致').waitFor();
    await page.getByLabel('再次输入新密码').fill('');
    await page.getByLabel('再次输入新密码').focus();
    await page.keyboard.type('MyOwn2026');
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-user').filter({ hasText: '新同事' }).waitFor();

    // The new password is the one that signs in now.
    const client = await signedIn(desk.desk, 'new.hire', 'MyOwn2026');
    const session = expectOk(await client.call('auth.session'));
    client.close();
    expect(session.state === 'active' && session.staff.mustChangePassword).toBe(false);

    // A manager resets the password while the person is signed in: their next step shows the same screen.
    const staff = expectOk(await desk.manager.call('staff.list')).find((member) => member.username === 'new.hire');
    expectOk(await desk.manager.call('staff.resetPassword', { id: staff!.id, password: 'Reset2026x' }));
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: '请设置您自己的密码' }).waitFor();
    expect(await page.getByTestId('signed-in-user').count()).toBe(0);
  });
});
