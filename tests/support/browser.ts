/** Debian's Chromium driven by playwright-core, with the flags this machine and CI need. Never downloads a browser. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_CLOCK_START } from './clock';

export const CHROMIUM_PATH = process.env['INTAKE_DESK_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * `extraArgs` go after the usual flags; tests pass none. The bench (bench/paint.ts) passes
 * `--disable-frame-rate-limit --disable-gpu-vsync` for a second Chromium whose frames are not held to 60 Hz.
 */
export async function launchChromium(options: { extraArgs?: readonly string[] } = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install the Debian package "chromium" (apt-get install -y chromium).`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...(options.extraArgs ?? [])],
  });
}

/** After a failed test, keep a full-page screenshot in test-results/ for whoever reads the failure. */
export async function screenshotOnFailure(context: { task: { name: string; result?: { state?: string } | undefined } }, page: Page | undefined, prefix: string): Promise<void> {
  if (context.task.result?.state !== 'fail' || !page) return;
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: path.join('test-results', `${prefix}-${context.task.name.replace(/[^\w一-龥-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
}

/**
 * A new page whose clock starts at TEST_CLOCK_START (the same instant as the test desk's core) and
 * runs on normally, so ages, dates and waiting times on screen never depend on today's date.
 */
export async function newDeskPage(browser: Browser, options: { viewport?: { width: number; height: number }; touch?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 }, locale: 'zh-CN', ...(options.touch ? { hasTouch: true, isMobile: true } : {}) });
  await page.clock.install({ time: TEST_CLOCK_START });
  return page;
}

/** Open a launch URL and sign in with the keyboard; resolves once the person's name is in the header. */
export async function signInWithKeyboard(page: Page, launchUrl: string, username: string, password: string, displayName: string): Promise<void> {
  await page.goto(launchUrl);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await typeCredentials(page, username, password, displayName);
}

/** With the sign-in form focused (login or switch user): type, submit, wait for the name in the header. */
export async function typeCredentials(page: Page, username: string, password: string, displayName: string): Promise<void> {
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-user').filter({ hasText: displayName }).waitFor();
}
