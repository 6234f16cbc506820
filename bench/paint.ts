/**
 * Keystroke → paint in Chromium (issue 12), on the real renderer served by the browser host:
 * - last key → results painted: everything but the last character is typed and left to settle,
 *   then the last key is pressed; the time runs from its keydown (event.timeStamp) to the first
 *   animation frame after the result list changed.
 * - keystroke → next paint in the walk-in form: from each keydown to the next animation frame.
 * Marks are taken in the page with requestAnimationFrame and performance.now (no fake clock).
 */
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../electron/browser-host/server';
import { launchChromium, typeCredentials } from '../tests/support/browser';

declare global {
  interface Window {
    __lastKeyPaint?: Promise<number>;
    __keyPaints?: number[];
  }
}

export interface PaintFigures {
  lastKeyToResults: number[];
  formKeyToPaint: number[];
}

/** Arm the page: the next keydown starts the clock; the first frame after the result list changes stops it. */
async function armLastKey(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__lastKeyPaint = new Promise<number>((resolve) => {
      const list = document.getElementById('search-results');
      const status = list?.previousElementSibling;
      let pressedAt = -1;
      const onKey = (event: KeyboardEvent): void => {
        pressedAt = event.timeStamp;
        window.removeEventListener('keydown', onKey, true);
      };
      window.addEventListener('keydown', onKey, true);
      const observer = new MutationObserver(() => {
        if (pressedAt < 0) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - pressedAt));
      });
      for (const target of [list, status]) if (target) observer.observe(target, { childList: true, subtree: true, characterData: true });
      setTimeout(() => resolve(Number.NaN), 3_000);
    });
  });
}

export async function benchPaint(host: BrowserHost, credentials: { username: string; password: string; displayName: string }, queries: () => string, samples: number): Promise<PaintFigures> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    await page.goto(host.launchUrl());
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await typeCredentials(page, credentials.username, credentials.password, credentials.displayName);

    await page.keyboard.press('Alt+3');
    const box = page.locator('#customer-search');
    await box.waitFor();
    const lastKeyToResults: number[] = [];
    for (let tries = 0; lastKeyToResults.length < samples && tries < samples * 3; tries += 1) {
      const query = queries();
      const chars = [...query];
      const last = chars.pop();
      if (!last || chars.length === 0) continue;
      await box.fill('');
      await box.focus();
      await page.keyboard.type(chars.join(''));
      await page.waitForTimeout(250); // let the prefix's results settle
      await armLastKey(page);
      await page.keyboard.type(last);
      const ms = await page.evaluate(() => window.__lastKeyPaint ?? Promise.resolve(Number.NaN));
      if (Number.isFinite(ms)) lastKeyToResults.push(ms);
    }

    // The walk-in form: every keystroke to the next frame.
    await page.keyboard.press('Alt+2');
    const name = page.getByLabel('姓名', { exact: true });
    await name.waitFor();
    await page.evaluate(() => {
      window.__keyPaints = [];
      window.addEventListener('keydown', (event) => {
        const at = event.timeStamp;
        requestAnimationFrame(() => window.__keyPaints?.push(performance.now() - at));
      }, true);
    });
    const remarks = page.getByLabel('备注');
    while ((await page.evaluate(() => window.__keyPaints?.length ?? 0)) < samples) {
      await name.fill('');
      await name.focus();
      await page.keyboard.type('欧阳娜娜');
      const mobile = page.getByLabel('手机号码', { exact: true });
      await mobile.fill('');
      await mobile.focus();
      await page.keyboard.type('13700001234');
      await remarks.fill('');
      await remarks.focus();
      await page.keyboard.type('需要儿童滑雪板 left knee');
    }
    const formKeyToPaint = await page.evaluate(() => window.__keyPaints ?? []);
    return { lastKeyToResults, formKeyToPaint };
  } finally {
    await browser.close();
  }
}
