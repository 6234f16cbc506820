// The real Electron shell, driven by Playwright's _electron API. Runs with `npm run test:electron`
// on machines that have the Electron runtime (it cannot be downloaded here, so `npm test` uses the
// browser host instead).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDataDir } from '../support/desk';

const require = createRequire(import.meta.url);
let app: ElectronApplication;
let page: Page;

function electronBinary(): string {
  let binary: unknown;
  try {
    binary = require('electron');
  } catch {
    binary = undefined;
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    throw new Error('The Electron runtime is not installed. Run `node node_modules/electron/install.js` on a machine that can download it, then `npm run test:electron`.');
  }
  return binary;
}

beforeAll(async () => {
  app = await electron.launch({ executablePath: electronBinary(), args: [ROOT], env: { ...process.env, INTAKE_DESK_DATA_DIR: tempDataDir('electron') } });
  page = await app.firstWindow();
});

afterAll(async () => {
  await app?.close();
});

describe('Electron shell', () => {
  it('loads the renderer from app:// with no Node in the page', async () => {
    expect(page.url()).toMatch(/^app:\/\/desk\//);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    expect(await page.evaluate(() => Object.keys((window as unknown as { desk: object }).desk).sort())).toEqual(['invoke', 'on', 'shell']);
  });

  it('bridges through contextIsolation (a frozen copy), and refuses navigation and new windows', async () => {
    expect(await page.evaluate(() => Object.isFrozen((window as unknown as { desk: object }).desk))).toBe(true);
    await page.evaluate(() => window.open('https://example.com'));
    expect(app.windows()).toHaveLength(1);
    await page.evaluate(() => {
      location.href = 'https://example.com';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/desk\//);
  });

  it('shows first-run setup through the core worker', async () => {
    await expect.poll(() => page.getByRole('heading', { name: '首次设置' }).isVisible()).toBe(true);
  });

  it('keeps the database key with safeStorage, not in a plain key file', async () => {
    const dataDir = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(fs.existsSync(`${dataDir}/desk.key.safestorage`)).toBe(true);
    expect(fs.existsSync(`${dataDir}/desk.key`)).toBe(false);
  });
});
