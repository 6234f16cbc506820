/** Desk-local facts kept in `meta`: this device's id and name, its op sequence, its last HLC. */
import type { Db } from './connection';

export class MetaRepo {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<{ key: string }, { value: string }>('SELECT value FROM meta WHERE key = :key');
    this.setStmt = db.prepare<{ key: string; value: string }>(
      'INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): string | undefined {
    return this.getStmt.get({ key })?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run({ key, value });
  }

  /** The device id, created once on first open. */
  ensureDeviceId(create: () => string): string {
    const existing = this.get('device_id');
    if (existing) return existing;
    const id = create();
    this.set('device_id', id);
    return id;
  }
}
