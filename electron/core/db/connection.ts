/**
 * Opens the encrypted SQLite database. SQLCipher page encryption with a raw 32-byte key (no KDF,
 * because the key is random, not a password), WAL, and synchronous=FULL so that a commit the core
 * acknowledges survives a power cut.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import fs from 'node:fs';
import path from 'node:path';
import { isValidKeyHex } from './key-file';

export type Db = Database.Database;

export class DatabaseOpenError extends Error {
  constructor(
    readonly code: 'wrong_key' | 'too_new' | 'bad_key_format',
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * The data folder is 0700 and the database 0600 before SQLite opens it; SQLite gives the WAL and
 * SHM files it creates the database file's mode, so they are 0600 too. Files left by an older
 * version with wider modes are narrowed.
 */
export function secureDatabaseFiles(file: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  restrictMode(dir, 0o700);
  if (!fs.existsSync(file)) {
    try {
      // An empty file is a new SQLite database; creating it here fixes its mode whatever the umask.
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
    }
  }
  for (const each of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(each)) restrictMode(each, 0o600);
}

/** Take away every permission bit beyond `mode` (never adds any). */
export function restrictMode(target: string, mode: number): void {
  const current = fs.statSync(target).mode & 0o777;
  if ((current & ~mode) !== 0) fs.chmodSync(target, current & mode);
}

export function openDatabase(file: string, keyHex: string): Db {
  if (!isValidKeyHex(keyHex)) throw new DatabaseOpenError('bad_key_format', 'the database key must be 64 hex characters');
  if (file !== ':memory:') secureDatabaseFiles(file);
  const db = new Database(file);
  try {
    // An in-memory database (migration tests) never touches the disk and cannot take a key.
    if (file !== ':memory:') {
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      // PRAGMA takes no bound parameters; the key is checked above to be exactly 64 hex characters.
      db.pragma(`key = "x'${keyHex}'"`);
    }
    try {
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'SQLITE_NOTADB') {
        throw new DatabaseOpenError('wrong_key', 'the database cannot be decrypted with this key');
      }
      throw error;
    }
    if (file !== ':memory:') {
      db.pragma('journal_mode = WAL');
      // Checkpoints run in the background (Core.maintain); this is only the safety net (~40 MB).
      db.pragma('wal_autocheckpoint = 10000');
    }
    db.pragma('synchronous = FULL');
    // Every page read is decrypted: a 64 MB page cache keeps a large customer base responsive.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
