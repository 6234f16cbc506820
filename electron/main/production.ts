/**
 * What an installed (packaged) desk does differently from a development run, as plain functions so
 * they can be tested without Electron: the data-folder override is a development and test aid only,
 * and the SQLCipher binding, which has to live outside app.asar, is checked against the SHA-256
 * recorded inside app.asar when the installer was built (scripts/record-native-integrity.mjs).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The environment variable that chooses the data folder in development and tests. */
export const DATA_DIR_VARIABLE = 'INTAKE_DESK_DATA_DIR';

/**
 * The data folder the environment asks for, or undefined. An installed desk ignores it: the
 * encrypted database and its key stay in the OS user-data folder, whoever starts the program.
 */
export function dataDirOverride(shell: { isPackaged: boolean; env: Record<string, string | undefined> }): string | undefined {
  const asked = shell.env[DATA_DIR_VARIABLE];
  if (!asked || shell.isPackaged) return undefined;
  return path.resolve(asked);
}

/** Where electron-builder unpacks the binding (`asarUnpack` in electron-builder.yml), relative to resources/. */
export const NATIVE_BINDING_PATH = ['app.asar.unpacked', 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node'] as const;
/** The record written at packaging time, inside app.asar next to main.cjs. */
export const NATIVE_INTEGRITY_FILE = 'native-integrity.json';

export interface NativeIntegrityRecord {
  file: string;
  sha256: string;
}

export function sha256OfFile(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export type NativeIntegrity = { ok: true } | { ok: false; problem: string };

/** Compare the binding on disk with the record made when the installer was built. */
export function verifyNativeBinding(recordFile: string, resourcesDir: string): NativeIntegrity {
  let record: NativeIntegrityRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as NativeIntegrityRecord;
  } catch {
    return { ok: false, problem: `the integrity record ${NATIVE_INTEGRITY_FILE} is missing or unreadable` };
  }
  if (typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) return { ok: false, problem: 'the integrity record holds no SHA-256' };
  const binding = path.join(resourcesDir, ...NATIVE_BINDING_PATH);
  let actual: string;
  try {
    actual = sha256OfFile(binding);
  } catch {
    return { ok: false, problem: `the database module ${binding} is missing` };
  }
  return actual === record.sha256 ? { ok: true } : { ok: false, problem: `the database module ${binding} is not the one this desk was installed with` };
}
