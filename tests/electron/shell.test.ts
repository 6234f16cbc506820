// The real Electron shell, driven by Playwright's _electron API. Runs with `npm run test:electron`
// on machines that have the Electron runtime; where it is missing (it cannot be downloaded here) the
// specs are skipped, saying why, and `npm test` covers the same core and screens through the browser
// host instead. The production specs need a packaged build: set INTAKE_DESK_PACKAGED_APP to the
// executable `npm run dist` made (e.g. release/linux-unpacked/intake-desk).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDataDir } from '../support/desk';

const require = createRequire(import.meta.url);

function electronBinary(): string | undefined {
  let binary: unknown;
  try {
    binary = require('electron');
  } catch {
    binary = undefined;
  }
  return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
}

const BINARY = electronBinary();
const PACKAGED = process.env['INTAKE_DESK_PACKAGED_APP'];
if (!BINARY) console.warn('Electron specs skipped: the Electron runtime is not installed. Run `node node_modules/electron/install.js` on a machine that can download it, then `npm run test:electron`.');
if (!PACKAGED) console.warn('Packaged-build specs skipped: set INTAKE_DESK_PACKAGED_APP to the executable `npm run dist` made.');

describe.skipIf(!BINARY)('Electron shell (development run)', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    app = await electron.launch({ executablePath: BINARY ?? '', args: [ROOT], env: { ...process.env, INTAKE_DESK_DATA_DIR: tempDataDir('electron') } });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
  });

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
    await expect.poll(() => page.url()).toMatch(/^app:\/\/desk\//);
  });

  it('refuses to navigate any frame away from app:// (will-frame-navigate)', async () => {
    await page.evaluate(() => {
      const frame = document.createElement('iframe');
      frame.id = 'probe';
      frame.src = 'app://desk/index.html';
      document.body.append(frame);
      frame.src = 'https://example.com/';
    });
    await page.waitForFunction(() => document.getElementById('probe') !== null);
    for (const frame of page.frames()) expect(frame.url()).not.toMatch(/example\.com/);
    await page.evaluate(() => document.getElementById('probe')?.remove());
  });

  it('honours INTAKE_DESK_DATA_DIR in a development run', async () => {
    const dataDir = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(dataDir).toContain('intake-desk-electron-');
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

describe.skipIf(!PACKAGED)('Electron shell (installed build)', () => {
  let app: ElectronApplication;
  const ignoredDataDir = tempDataDir('electron-ignored');

  beforeAll(async () => {
    app = await electron.launch({ executablePath: PACKAGED ?? '', env: { ...process.env, INTAKE_DESK_DATA_DIR: ignoredDataDir } });
    await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('runs as a packaged app with no application menu', async () => {
    expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true);
    expect(await app.evaluate(({ Menu }) => Menu.getApplicationMenu() === null)).toBe(true);
  });

  it('cannot open DevTools', async () => {
    const opened = await app.evaluate(async ({ BrowserWindow }) => {
      const [window] = BrowserWindow.getAllWindows();
      window?.webContents.openDevTools();
      await new Promise((resolve) => setTimeout(resolve, 500));
      return window?.webContents.isDevToolsOpened() ?? true;
    });
    expect(opened).toBe(false);
  });

  it('ignores INTAKE_DESK_DATA_DIR', async () => {
    const dataDir = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(dataDir).not.toBe(ignoredDataDir);
    expect(fs.readdirSync(ignoredDataDir)).toEqual([]);
  });
});
