import { describe, expect, it } from 'vitest';
import { DatabaseOpenError, openDatabase } from '../connection';
import { generateKeyHex } from '../key-file';
import { MIGRATIONS, SCHEMA_VERSION, currentVersion, migrate } from './index';

describe('migrations', () => {
  it.each(MIGRATIONS.map((migration) => [migration.version, migration] as const))('version %i applies on an in-memory database', (version) => {
    const db = openDatabase(':memory:', generateKeyHex());
    migrate(db, MIGRATIONS.slice(0, version));
    expect(currentVersion(db)).toBe(version);
    db.close();
  });

  it('brings a new database to the latest version and is idempotent', () => {
    const db = openDatabase(':memory:', generateKeyHex());
    expect(migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    db.close();
  });

  it('refuses a database written by a newer app, leaving it untouched', () => {
    const db = openDatabase(':memory:', generateKeyHex());
    migrate(db);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(DatabaseOpenError);
    expect(() => migrate(db)).toThrow(/newer version of Intake Desk/);
    expect(currentVersion(db)).toBe(SCHEMA_VERSION + 1);
    db.close();
  });

  it('makes ops and audit entries append-only', () => {
    const db = openDatabase(':memory:', generateKeyHex());
    migrate(db);
    db.prepare("INSERT INTO audit_log (seq, at, device_id, action, details, prev_hash, hash) VALUES (1, 0, 'd', 'x', '{}', 'p', 'h')").run();
    expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });
});
