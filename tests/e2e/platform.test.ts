// The desk as counter staff use it, by keyboard, through the browser host in a real Chromium:
// first-run setup, sign-in, lock and unlock, switch user, lockout, a core crash, language switch.
// Each test builds its own desk (set up over RPC where the test is not about setup) and its own page,
// both on the fixed test clock; no test relies on another's data or order.
import { seriousAxeViolations } from '../support/axe';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newDeskPage, signInWithKeyboard } from '../support/browser';
import { MANAGER, connect, expectOk, setUpDesk, startDesk } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
let browser: Browser;
let page: Page | undefined;

async function typeAndTab(page: Page, ...values: string[]): Promise<void> {
  for (const value of values) {
    await page.keyboard.type(value);
    await page.keyboard.press('Tab');
  }
}


/** A new desk and a page open on its launch link; nothing set up. */
async function freshDesk(): Promise<{ desk: Desk; page: Page }> {
  const opened = await startDesk();
  desk = opened;
  const opening = await newDeskPage(browser, { viewport: { width: 1280, height: 800 } });
  page = opening;
  await opening.goto(opened.launchUrl());
  return { desk: opened, page: opening };
}

/**
 * A set-up desk (over RPC) with the manager 王丽 signed in on the page by keyboard; optionally the
 * certified specialist 赵敏 (zhao.min / Specialist1), and optionally locked out by five wrong passwords.
 */
async function managerDesk(options: { specialist?: boolean; specialistLockedOut?: boolean } = {}): Promise<{ desk: Desk; page: Page }> {
  const opened = await startDesk();
  desk = opened;
  const admin = await connect(opened);
  await setUpDesk(admin);
  if (options.specialist || options.specialistLockedOut) {
    expectOk(await admin.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  }
  if (options.specialistLockedOut) {
    const stranger = await connect(opened);
    for (let attempt = 1; attempt <= 5; attempt += 1) await stranger.call('auth.login', { username: 'zhao.min', password: `wrong-pass-${attempt}` });
    stranger.close();
  }
  admin.close();
  const opening = await newDeskPage(browser, { viewport: { width: 1280, height: 800 } });
  page = opening;
  await signInWithKeyboard(opening, opened.launchUrl(), MANAGER.username, MANAGER.password, MANAGER.displayName);
  return { desk: opened, page: opening };
}

beforeAll(async () => {
  browser = await launchChromium();
});

// Keep a picture of the screen when a step fails: test-results/<test name>.png
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: path.join('test-results', `${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`) }).catch(() => undefined);
  }
  await page?.close().catch(() => undefined);
  page = undefined;
  await desk?.close();
  desk = undefined;
});

afterAll(async () => {
  await browser?.close();
});

describe('platform, by keyboard', () => {
  it('runs first-run setup with the keyboard alone and signs the manager in', async () => {
    const { page } = await freshDesk();
    await expect.poll(() => page.getByRole('heading', { name: '首次设置' }).isVisible()).toBe(true);
    // A wrong confirmation is explained on the field and nothing typed is lost.
    await typeAndTab(page, '长白山滑雪度假区', '北大湖雪场', '1号柜台', '王丽', 'wang.li', 'Manager2026', 'Manager2027');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('两次输入的密码不一致').isVisible()).toBe(true);
    expect(await page.getByLabel('单位名称').inputValue()).toBe('长白山滑雪度假区');
    await page.getByLabel('再次输入密码').fill('');
    await page.getByLabel('再次输入密码').focus();
    await page.keyboard.type('Manager2026');
    await page.keyboard.press('Enter');
    // The organisation recovery key is shown once, to be printed; going on needs the confirmation.
    await expect.poll(() => page.getByRole('heading', { name: '机构恢复密钥' }).isVisible()).toBe(true);
    expect(await page.getByTestId('recovery-key').textContent()).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(await page.getByRole('button', { name: '继续' }).isDisabled()).toBe(true);
    await page.keyboard.press('Space'); // 我已打印或抄写此密钥
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('王丽');
    expect(await page.getByText('北大湖雪场').first().isVisible()).toBe(true);
    expect(await page.getByTestId('sync-connection').textContent()).toBe('离线（未配置中心服务器）');
    expect(await page.getByTestId('sync-pending').textContent()).toBe('2 项更改待同步');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('adds a specialist from the staff page and counts the change as waiting to sync', async () => {
    const { page } = await managerDesk();
    await expect.poll(() => page.getByTestId('sync-pending').textContent()).toBe('2 项更改待同步');
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.getByRole('heading', { name: '员工账号', level: 1 }).isVisible()).toBe(true);
    await page.getByLabel('姓名').focus();
    await typeAndTab(page, '赵敏', 'zhao.min');
    await page.keyboard.press('Tab'); // role: keep 客服专员
    await page.keyboard.type('Specialist1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // certified
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('staff-zhao.min').isVisible()).toBe(true);
    expect(await page.getByTestId('sync-pending').textContent()).toBe('3 项更改待同步');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('locks with Ctrl+L and unlocks with the same person’s password', async () => {
    const { page } = await managerDesk();
    await page.keyboard.press('Control+l');
    await expect.poll(() => page.getByRole('heading', { name: '录入台已锁定' }).isVisible()).toBe(true);
    await page.keyboard.type('Wrong-pass1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('登录名或密码不正确').isVisible()).toBe(true);
    await page.keyboard.type('Manager2026');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('王丽');
  });

  it('switches user from the lock screen', async () => {
    const { page } = await managerDesk({ specialist: true });
    await page.keyboard.press('Control+l');
    await expect.poll(() => page.getByRole('heading', { name: '录入台已锁定' }).isVisible()).toBe(true);
    await page.keyboard.press('Tab'); // unlock
    await page.keyboard.press('Tab'); // switch user
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: '切换用户' }).isVisible()).toBe(true);
    await typeAndTab(page, 'zhao.min');
    await page.keyboard.type('Specialist1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('赵敏');
    // A specialist has no staff, settings or audit pages.
    expect(await page.getByRole('button', { name: /员工账号/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /审计日志/ }).count()).toBe(0);
  });

  it('locks an account after five wrong passwords and says for how long', async () => {
    const { page } = await managerDesk({ specialist: true });
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '登录' }).isVisible()).toBe(true);
    await page.getByLabel('登录名').focus();
    await typeAndTab(page, 'zhao.min');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await page.keyboard.type(`wrong-pass-${attempt}`);
      await page.keyboard.press('Enter');
      if (attempt < 5) await expect.poll(() => page.getByText(`还可尝试 ${5 - attempt} 次`).isVisible()).toBe(true);
    }
    await expect.poll(() => page.getByText('账号已锁定，请 5 分钟后再试').isVisible()).toBe(true);
    await page.keyboard.type('Specialist1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('账号已锁定').isVisible()).toBe(true);
    expect(await page.getByTestId('signed-in-user').count()).toBe(0);
  });

  it('recovers when the core worker dies: says so, keeps the data, asks to sign in again', async () => {
    const { desk, page } = await managerDesk({ specialistLockedOut: true });

    await desk.supervisor.crashForTesting();
    await expect.poll(() => page.getByTestId('core-notice').isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: '登录' }).isVisible()).toBe(true);
    await page.getByLabel('登录名').focus();
    await typeAndTab(page, 'wang.li');
    await page.keyboard.type('Manager2026');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('王丽');
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.getByTestId('staff-zhao.min').isVisible()).toBe(true);
    expect(await page.getByTestId('staff-zhao.min').textContent()).toContain('已锁定');
  });

  it('switches to English with F2 and back, every string from the catalogs', async () => {
    const { desk, page } = await managerDesk();
    await page.keyboard.press('Alt+5');
    await expect.poll(() => page.getByRole('heading', { name: '员工账号', level: 1 }).isVisible()).toBe(true);
    await page.keyboard.press('F2');
    await expect.poll(() => page.getByRole('heading', { name: 'Staff accounts', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByTestId('sync-connection').textContent()).toBe('Offline (no central server configured)');
    await page.keyboard.press('F1');
    await expect.poll(() => page.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('F2');
    await expect.poll(() => page.getByRole('heading', { name: '员工账号', level: 1 }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(desk.dataDir, 'staff.png') });
  });

  it('shows the audit trail and verifies its chain', async () => {
    const { page } = await managerDesk({ specialistLockedOut: true });
    await page.keyboard.press('Alt+7');
    await page.getByRole('button', { name: '校验完整性' }).click();
    await expect.poll(() => page.getByTestId('audit-verify-result').textContent()).toMatch(/审计链完整，共 \d+ 条记录/);
    expect(await page.getByRole('cell', { name: '账号因多次输错密码被锁定' }).count()).toBeGreaterThan(0);
  });
});
