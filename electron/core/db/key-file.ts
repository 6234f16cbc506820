/**
 * The database key where no OS keychain is available (browser host, CLI tools, tests): a file of
 * 64 hex characters readable by the owner only. This is weaker than Electron's safeStorage, because
 * anyone who can read the user's files can read the key, and the log says so every time.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../logger';

export const KEY_FILE = 'desk.key';
/** Written by the Electron shell: the key encrypted with safeStorage. */
export const SAFE_STORAGE_KEY_FILE = 'desk.key.safestorage';

const log = createLogger('core/db/key-file');
const KEY_PATTERN = /^[0-9a-f]{64}$/;

export class KeyFileError extends Error {
  constructor(
    readonly code: 'keychain_only' | 'malformed' | 'permissions',
    message: string,
  ) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export function isValidKeyHex(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function generateKeyHex(): string {
  return randomBytes(32).toString('hex');
}

/** Read the key file, creating it (mode 0600) on first use. */
export function readOrCreateKeyFile(dataDir: string, options: { create: boolean } = { create: true }): string {
  const file = path.join(dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    if (fs.existsSync(path.join(dataDir, SAFE_STORAGE_KEY_FILE))) {
      throw new KeyFileError('keychain_only', `The database key in ${dataDir} is held by the desktop app's OS keychain; open this data folder with the desktop app.`);
    }
    if (!options.create) throw new KeyFileError('malformed', `No database key at ${file}.`);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The folder may have existed already (mkdir's mode applies only to new folders): narrow it too.
    if (process.platform !== 'win32') {
      const dirMode = fs.statSync(dataDir).mode & 0o777;
      if ((dirMode & 0o077) !== 0) fs.chmodSync(dataDir, dirMode & 0o700);
    }
    fs.writeFileSync(file, `${generateKeyHex()}\n`, { mode: 0o600, flag: 'wx' });
    log.warn('created a database key file; it protects the data less than an OS keychain would', { file });
  }
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new KeyFileError('permissions', `${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`);
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!isValidKeyHex(key)) throw new KeyFileError('malformed', `${file} does not hold a 64-character hex key.`);
  log.warn('database key read from a key file, not an OS keychain', { file });
  return key;
}
