/** Opens the desk in a Chromium-family browser in app mode, when one is installed and a display exists. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['INTAKE_DESK_BROWSER'];
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

export function openInChromium(executable: string, url: string, dataDir: string): void {
  const args = [
    `--app=${url}`,
    `--user-data-dir=${path.join(dataDir, 'browser-profile')}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  // Chromium refuses to run as root with its sandbox; that only happens on kiosk/CI machines.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(executable, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
