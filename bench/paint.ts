/**
 * Keystroke → paint in Chromium (issue 12), on the real renderer served by the browser host.
 * Marks are taken in the page with requestAnimationFrame and performance.now (no fake clock).
 *
 * - last key → results painted: everything but the last character is typed and left to settle,
 *   then the last key is pressed; the time runs from its keydown (event.timeStamp) to the first
 *   animation frame after the answer for the whole text is on screen: the result list or its count
 *   changed, or the list's `aria-busy` went back to false (the same customers as before the key).
 *   Measured at 60 Hz.
 * - keystroke → next paint in the walk-in form: from each key (its keydown's event.timeStamp; a
 *   character Playwright sends as text, as an IME commits it — the Chinese name and remarks — has no
 *   keydown, so its beforeinput starts the clock) to the start of the next requestAnimationFrame
 *   callback. Measured twice per run, each time beside the same typing into a bare page holding one
 *   `<input>` in the same browser (same marks, same keys, same number of them). Playwright types the
 *   keys back to back (each as soon as the previous one's events were handled), faster than a person:
 *   (a) in a Chromium with the usual flags, whose frames come at 60 Hz: the mark then includes the
 *       wait for the display's next frame, 0–16.7 ms wherever the key lands, so even the bare input's
 *       p95 is 15–17 ms. Per key it also tells whether the key was over one frame: its mark
 *       landed more than one frame interval (the median gap between frames of a rAF loop run before
 *       the typing) after the key. The form's share of such keys is judged against the bare input's.
 *   (b) in a second Chromium launched with `--disable-frame-rate-limit --disable-gpu-vsync`, whose
 *       frames are made as soon as there is something to draw: the mark is then the key's own work
 *       and whatever else the main thread had queued, up to a frame's start; that figure carries
 *       the goal p95 < 16 ms.
 *   (c) in the 60 Hz Chromium again, the same keys typed at a person's pace (PERSON_PACE_MS between
 *       keys): each key meets an idle main thread, as a typist's keys do. This figure carries the
 *       issue's goal p95 < 16 ms as a user meets it; (a) and (b) stay as the stress case.
 *   Why the goal is judged this way, and what the figures do not show:
 *   docs/decisions/0028-keystroke-paint-measured-per-frame.md and 0030-keystroke-paint-at-a-persons-pace.md.
 */
import type { Browser, Page } from 'playwright-core';
import type { BrowserHost } from '../electron/browser-host/server';
import { seededRandom } from '../shared/domain/demo';
import { launchChromium, typeCredentials } from '../tests/support/browser';

declare global {
  interface Window {
    __lastKeyPaint?: Promise<number>;
    __keyPaints?: number[];
  }
}

/** A second Chromium's frames are not held to 60 Hz: made as soon as there is something to draw. */
export const UNTHROTTLED_FRAME_FLAGS = ['--disable-frame-rate-limit', '--disable-gpu-vsync'] as const;

/** One typing run: every key's time to the next frame, and the frame interval measured in that page just before. */
export interface TypingRun {
  keyToPaint: number[];
  frameInterval: number;
}

export interface PaintFigures {
  lastKeyToResults: number[];
  /** The walk-in form and the bare `<input>`, in the 60 Hz Chromium and in the unthrottled one, typed back to back. */
  form60: TypingRun;
  bare60: TypingRun;
  /** The same at 60 Hz, typed at a person's pace (PERSON_PACE_MS between keys). */
  formPaced60: TypingRun;
  barePaced60: TypingRun;
  formUnthrottled: TypingRun;
  bareUnthrottled: TypingRun;
}

/** What is typed, field by field, in the form and (all into the one input) on the bare page: a Chinese name, phone digits, mixed text. */
const TYPING: ReadonlyArray<{ label: string; text: string }> = [
  { label: '姓名', text: '欧阳娜娜' },
  { label: '手机号码', text: '13700001234' },
  { label: '备注', text: '需要儿童滑雪板 left knee' },
];

/**
 * A person's pace: the wait before each next key, drawn evenly from this range (seeded, the same
 * waits for the form and for the bare input). 80–200 ms is 5–12.5 keys a second, a fast typist
 * (about 60–150 words a minute) to an ordinary one; Playwright's back-to-back typing is about 90 a second.
 */
export const PERSON_PACE_MS = { min: 80, max: 200 } as const;

/** How keys follow one another: back to back (as fast as Chromium takes them), or at a person's pace. */
type Pace = 'back-to-back' | 'person';

/** Share of a run's keys whose mark landed more than one frame interval after the key. */
export function shareOverOneFrame(run: TypingRun): number {
  if (run.keyToPaint.length === 0 || !Number.isFinite(run.frameInterval)) return Number.NaN;
  return run.keyToPaint.filter((ms) => ms > run.frameInterval).length / run.keyToPaint.length;
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
      // The answer for the text with the last key is on screen: the list or its count changed, or the
      // list stopped being busy (`aria-busy` false) with the same customers (the first digits of a
      // phone already found the one customer the whole number finds).
      const observer = new MutationObserver((records) => {
        if (pressedAt < 0) return;
        const busyAgain = records.every((record) => record.type === 'attributes' && list?.getAttribute('aria-busy') !== 'false');
        if (busyAgain) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - pressedAt));
      });
      for (const target of [list, status]) if (target) observer.observe(target, { childList: true, subtree: true, characterData: true });
      if (list) observer.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
      setTimeout(() => resolve(Number.NaN), 3_000);
    });
  });
}

/**
 * The median gap between the frames of a short requestAnimationFrame loop, run in the page before
 * the typing (not during it: a loop that asks for every frame changes when a key's frame comes).
 */
async function frameInterval(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const stamps: number[] = [];
        const tick = (at: number): void => {
          stamps.push(at);
          if (stamps.length < 61) {
            requestAnimationFrame(tick);
            return;
          }
          const gaps = stamps.slice(1).map((stamp, i) => stamp - (stamps[i] ?? stamp));
          gaps.sort((a, b) => a - b);
          resolve(gaps[Math.floor(gaps.length / 2)] ?? Number.NaN);
        };
        requestAnimationFrame(tick);
      }),
  );
}

/**
 * Every key (keydown; or beforeinput for a character sent as text, which has no keydown) pushes the
 * time from the key to the start of the next animation frame callback. The same code runs in the form
 * and on the bare page.
 */
async function installKeyMarks(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__keyPaints = [];
    let keyHeld = false;
    const mark = (at: number): void => {
      requestAnimationFrame(() => window.__keyPaints?.push(performance.now() - at));
    };
    window.addEventListener('keydown', (event) => {
      keyHeld = true;
      mark(event.timeStamp);
    }, true);
    window.addEventListener('keyup', () => {
      keyHeld = false;
    }, true);
    window.addEventListener('beforeinput', (event) => {
      if (!keyHeld) mark(event.timeStamp);
    }, true);
  });
}

/** Type the pattern round after round until `samples` keys are marked; the first `samples` marks are kept. */
async function typeUntil(page: Page, samples: number, fieldFor: (label: string) => ReturnType<Page['locator']>, pace: Pace): Promise<number[]> {
  const wait = seededRandom(1207);
  while ((await page.evaluate(() => window.__keyPaints?.length ?? 0)) < samples) {
    for (const { label, text } of TYPING) {
      const field = fieldFor(label);
      await field.fill('');
      await field.focus();
      if (pace === 'back-to-back') {
        await page.keyboard.type(text);
        continue;
      }
      for (const char of text) {
        await new Promise((resolve) => setTimeout(resolve, PERSON_PACE_MS.min + wait() * (PERSON_PACE_MS.max - PERSON_PACE_MS.min)));
        await page.keyboard.type(char);
      }
    }
  }
  // Let the last key's frame come before reading.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return (await page.evaluate(() => window.__keyPaints ?? [])).slice(0, samples);
}

async function newPage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
}

/** The typing pattern on a page holding nothing but one `<input>` (no app, no script of ours but the marks). */
async function typeBare(browser: Browser, samples: number, pace: Pace): Promise<TypingRun> {
  const page = await newPage(browser);
  try {
    await page.setContent('<!doctype html><meta charset="utf-8"><input id="bare" aria-label="bare" autocomplete="off">');
    const interval = await frameInterval(page);
    await installKeyMarks(page);
    const input = page.locator('#bare');
    return { keyToPaint: await typeUntil(page, samples, () => input, pace), frameInterval: interval };
  } finally {
    await page.close();
  }
}

/** Sign in on the renderer `host` serves. */
async function signedIn(browser: Browser, host: BrowserHost, credentials: { username: string; password: string; displayName: string }): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(host.launchUrl());
  await page.getByRole('heading', { name: '登录' }).waitFor();
  await typeCredentials(page, credentials.username, credentials.password, credentials.displayName);
  return page;
}

/** The typing pattern in the walk-in form, field by field. */
async function typeForm(page: Page, samples: number, pace: Pace): Promise<TypingRun> {
  await page.keyboard.press('Alt+2');
  await page.getByLabel('姓名', { exact: true }).waitFor();
  const interval = await frameInterval(page);
  await installKeyMarks(page);
  return { keyToPaint: await typeUntil(page, samples, (label) => page.getByLabel(label, { exact: true }), pace), frameInterval: interval };
}

export async function benchPaint(host: BrowserHost, credentials: { username: string; password: string; displayName: string }, queries: () => string, samples: number): Promise<PaintFigures> {
  // (a) The usual flags: frames at 60 Hz.
  let browser = await launchChromium();
  let lastKeyToResults: number[];
  let form60: TypingRun;
  let bare60: TypingRun;
  let formPaced60: TypingRun;
  let barePaced60: TypingRun;
  try {
    const page = await signedIn(browser, host, credentials);
    await page.keyboard.press('Alt+3');
    const box = page.locator('#customer-search');
    await box.waitFor();
    lastKeyToResults = [];
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
    form60 = await typeForm(page, samples, 'back-to-back');
    await page.close();
    bare60 = await typeBare(browser, samples, 'back-to-back');
    const pacedPage = await signedIn(browser, host, credentials);
    formPaced60 = await typeForm(pacedPage, samples, 'person');
    await pacedPage.close();
    barePaced60 = await typeBare(browser, samples, 'person');
  } finally {
    await browser.close();
  }

  // (b) A second Chromium whose frames are made as soon as there is something to draw.
  browser = await launchChromium({ extraArgs: UNTHROTTLED_FRAME_FLAGS });
  try {
    const page = await signedIn(browser, host, credentials);
    const formUnthrottled = await typeForm(page, samples, 'back-to-back');
    await page.close();
    const bareUnthrottled = await typeBare(browser, samples, 'back-to-back');
    return { lastKeyToResults, form60, bare60, formPaced60, barePaced60, formUnthrottled, bareUnthrottled };
  } finally {
    await browser.close();
  }
}
