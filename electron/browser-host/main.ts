/**
 * `npm start` on machines without the Electron runtime: serves the desk on 127.0.0.1 and opens it
 * in Chromium's app mode. Prints exactly one line with the launch URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { version } from '../../package.json';
import { KeyFileError } from '../core/db/key-file';
import { defaultDataDir } from '../core/paths';
import { CoreStartError } from '../core/supervisor';
import { findChromium, hasDisplay, openInChromium } from './open-browser';
import { startBrowserHost } from './server';

async function main(): Promise<void> {
  const dataDir = defaultDataDir();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const port = Number(process.env['INTAKE_DESK_PORT'] ?? 0);
  const host = await startBrowserHost({
    dataDir,
    workerFile: path.join(__dirname, 'core-worker.cjs'),
    rendererDir: path.join(__dirname, '..', 'renderer'),
    appVersion: version,
    port: Number.isInteger(port) ? port : 0,
    // The page loads while the core opens the database (issue 12: sign-in painted < 1.5 s after `npm start`).
    serveWhileCoreStarts: true,
  });
  // One launch link, printed once: it works once and expires after two minutes unused. When a
  // Chromium window is opened for the person, it is opened with this same link.
  const launchUrl = host.launchUrl();
  process.stdout.write(`Intake Desk running at ${launchUrl}\n`);
  const chromium = findChromium();
  if (process.env['INTAKE_DESK_NO_OPEN'] !== '1' && chromium && hasDisplay()) openInChromium(chromium, launchUrl, dataDir);
  await host.coreReady;

  const shutdown = (): void => {
    host
      .close()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof CoreStartError || error instanceof KeyFileError) {
    process.stderr.write(`Intake Desk cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Intake Desk cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
