/**
 * The database key under Electron: random, encrypted with safeStorage (DPAPI, Keychain, or the
 * Linux secret service / KWallet). On Linux the backend in use is recorded; `basic_text` (a
 * hard-coded password, i.e. no protection) is refused rather than accepted silently, and so is a
 * later switch to a different backend than the one the key was stored with.
 */
import { safeStorage } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { KEY_FILE, SAFE_STORAGE_KEY_FILE, generateKeyHex, isValidKeyHex } from '../core/db/key-file';
import { createLogger } from '../core/logger';

const log = createLogger('main/key-store');
const BACKEND_FILE = 'keychain-backend.txt';

export class KeyStoreError extends Error {
  override name = 'KeyStoreError';
}

function linuxBackend(): string | undefined {
  return process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined;
}

export function loadDatabaseKey(dataDir: string): string {
  if (!safeStorage.isEncryptionAvailable()) throw new KeyStoreError('The operating system keychain is not available, so the database key cannot be protected.');
  const backend = linuxBackend();
  const backendFile = path.join(dataDir, BACKEND_FILE);
  if (backend === 'basic_text' || backend === 'unknown') {
    throw new KeyStoreError(
      `No secure keychain is running (Electron reports "${backend}"). Start the desktop's keyring (GNOME Keyring or KWallet) and open Intake Desk again.`,
    );
  }
  if (backend && fs.existsSync(backendFile)) {
    const recorded = fs.readFileSync(backendFile, 'utf8').trim();
    if (recorded !== backend) {
      throw new KeyStoreError(`The database key was stored with the "${recorded}" keychain, but "${backend}" is in use now. Log in to the same desktop session to open it.`);
    }
  }

  const sealedFile = path.join(dataDir, SAFE_STORAGE_KEY_FILE);
  if (fs.existsSync(sealedFile)) {
    const key = safeStorage.decryptString(fs.readFileSync(sealedFile)).trim();
    if (!isValidKeyHex(key)) throw new KeyStoreError('The stored database key is damaged.');
    return key;
  }

  // A folder first used by the browser host has a plain key file: move it into the keychain.
  const plainFile = path.join(dataDir, KEY_FILE);
  const key = fs.existsSync(plainFile) ? fs.readFileSync(plainFile, 'utf8').trim() : generateKeyHex();
  if (!isValidKeyHex(key)) throw new KeyStoreError(`${plainFile} does not hold a valid key.`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(sealedFile, safeStorage.encryptString(key), { mode: 0o600 });
  if (backend) fs.writeFileSync(backendFile, `${backend}\n`, { mode: 0o600 });
  if (fs.existsSync(plainFile)) {
    fs.rmSync(plainFile);
    log.info('moved the database key from a key file into the OS keychain');
  }
  return key;
}
