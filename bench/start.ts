/**
 * `npm start` → sign-in painted (issue 12, goal < 1.5 s), measured in Chromium: from starting
 * `node scripts/start.mjs` (browser host, a built app, a desk that is set up) to the second
 * animation frame after the sign-in heading is in the page (the first one that begins after a frame
 * with the heading was drawn), marked by the page itself: a MutationObserver added before the page
 * loads notices the heading, and the mark is the page's clock (`performance.timeOrigin + now()`,
 * epoch milliseconds, the same clock as this process's). Playwright's own wait for the heading polls
 * at widening intervals (0, 20, 50, 100, 100, 500 ms) and saw it 90–280 ms after it was there; that
 * figure is printed too, beside the same wait on the static page. The browser is already running, as
 * the desk's window would be opened by the host; starting it is not counted. Beside it, in the same
 * run: a Node process that does nothing, and Chromium painting a page with the same heading from
 * memory, timed the same way.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser';
import { printTable, sample } from './stats';

const HEADING = '登录';

/** Now on the epoch clock, with the sub-millisecond part (the page marks on the same clock). */
const epochNow = (): number => performance.timeOrigin + performance.now();

/** Before the page loads: mark the second animation frame after a heading named HEADING is in it. */
async function markHeadingPainted(page: Page): Promise<void> {
  await page.addInitScript((heading: string) => {
    const marks = window as unknown as { headingPaintedAt?: number };
    const seen = (): boolean => [...document.querySelectorAll('h1, h2, h3')].some((element) => element.textContent?.trim() === heading);
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => (marks.headingPaintedAt = performance.timeOrigin + performance.now())));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  }, HEADING);
}

/**
 * Start the desk once and leave it running until the core has written its code cache (about 10 s
 * after start-up, docs/decisions/0038), as any first start after a build or an install does.
 */
async function primeCodeCache(root: string, dataDir: string, cacheDir: string): Promise<void> {
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    env: { ...process.env, INTAKE_DESK_SHELL: 'browser', INTAKE_DESK_NO_OPEN: '1', INTAKE_DESK_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  const written = (): boolean => fs.existsSync(cacheDir) && fs.readdirSync(cacheDir).some((name) => name.endsWith('.bin'));
  for (let waited = 0; waited < 30_000 && !written(); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (!written()) throw new Error('the core wrote no code cache within 30 s');
}

/** The page's mark (epoch ms), once it has made it. */
async function headingPaintedAt(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { headingPaintedAt?: number }).headingPaintedAt);
  return (await handle.jsonValue()) as number;
}

function startOnce(root: string, dataDir: string, onUrl: (url: string, startedAt: number) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      env: { ...process.env, INTAKE_DESK_SHELL: 'browser', INTAKE_DESK_NO_OPEN: '1', INTAKE_DESK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /running at (\S+)/.exec(out)?.[1];
      if (!url || done) return;
      done = true;
      onUrl(url, startedAt).then(
        () => child.kill('SIGTERM'),
        (error: unknown) => {
          child.kill('SIGTERM');
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    child.once('exit', () => (done ? resolve() : reject(new Error(`npm start ended before printing its address: ${out}`))));
  });
}

export async function benchStartToSignIn(distDir: string, samples = 30): Promise<void> {
  const root = path.resolve(distDir, '..');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-bench-start-'));
  try {
    // A desk that is set up, so the first screen is sign-in (the demo manager).
    const setup = spawnSync(process.execPath, [path.join(distDir, 'cli', 'demo.cjs'), '--customers', '10', '--data-dir', dataDir, '--no-baseline'], { stdio: 'ignore' });
    if (setup.status !== 0) throw new Error('could not set up a desk for the start-up figure');
    const browser = await launchChromium();
    try {
      const toAddress: number[] = [];
      const toPaint: number[] = [];
      const toSeen: number[] = [];
      const measure = (url: string, startedAt: number, paints: number[], seen: number[], addresses: number[]) => async (): Promise<void> => {
        const startedAtEpoch = epochNow() - (performance.now() - startedAt);
        addresses.push(performance.now() - startedAt);
        const page = await browser.newPage({ locale: 'zh-CN' });
        await markHeadingPainted(page);
        await page.goto(url, { waitUntil: 'commit' });
        await page.getByRole('heading', { name: HEADING }).waitFor();
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
        seen.push(performance.now() - startedAt);
        paints.push((await headingPaintedAt(page)) - startedAtEpoch);
        await page.close();
      };
      // The first start after a build compiles the core from source; it writes the code cache that
      // every later start runs from.
      const cacheDir = path.join(distDir, 'electron', '.v8-cache');
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const firstPaint: number[] = [];
      await startOnce(root, dataDir, (url, startedAt) => measure(url, startedAt, firstPaint, [], [])());
      await primeCodeCache(root, dataDir, cacheDir);
      for (let index = 0; index < samples; index += 1) {
        await startOnce(root, dataDir, (url, startedAt) => measure(url, startedAt, toPaint, toSeen, toAddress)());
      }
      const nodeAlone = await sample(samples, () => new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', () => resolve())));
      const staticPaint: number[] = [];
      const staticSeen: number[] = [];
      for (let index = 0; index < samples; index += 1) {
        const started = performance.now();
        const startedAtEpoch = epochNow();
        const page = await browser.newPage({ locale: 'zh-CN' });
        await markHeadingPainted(page);
        // A navigation to the page (as the app's page is navigated to), so the mark's script is in it.
        await page.goto(`data:text/html;charset=utf-8,${encodeURIComponent(`<!doctype html><html lang="zh-CN"><body><h1>${HEADING}</h1></body></html>`)}`);
        await page.getByRole('heading', { name: HEADING }).waitFor();
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
        staticSeen.push(performance.now() - started);
        staticPaint.push((await headingPaintedAt(page)) - startedAtEpoch);
        await page.close();
      }
      printTable('Start-up: npm start (browser host, built app, desk set up) in Chromium — goal: sign-in painted < 1.5 s', [
        { name: 'npm start → address printed', samples: toAddress, baseline: 'node -e 0 (a Node process, nothing else)', baselineSamples: nodeAlone },
        { name: 'npm start → sign-in painted', samples: toPaint, baseline: 'Chromium paints the same heading, no app', baselineSamples: staticPaint },
        { name: "… as Playwright's polling wait saw it", samples: toSeen, baseline: 'the same wait, same heading, no app', baselineSamples: staticSeen },
        { name: '… first start after a build (n=1, no cache)', samples: firstPaint, baseline: 'Chromium paints the same heading, no app', baselineSamples: staticPaint },
      ]);
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
