// The store on disk: encrypted throughout, and the audit chain catches tampering.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/connection';
import { readOrCreateKeyFile, KEY_FILE } from '../../electron/core/db/key-file';
import { databasePath } from '../../electron/core/paths';
import { ROOT, connect, expectOk, setUpDesk, startDesk, type RpcClient } from '../support/desk';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function usedDesk(): Promise<{ dataDir: string; client: RpcClient; stop: () => Promise<void> }> {
  const host = await startDesk();
  const client = await connect(host);
  await setUpDesk(client);
  const stop = async (): Promise<void> => {
    client.close();
    await host.close();
  };
  cleanups.push(stop);
  return { dataDir: host.dataDir, client, stop };
}

describe('the encrypted store', () => {
  it('keeps no plaintext on disk: a marker written through the app is not in any database file', async () => {
    const marker = 'PLAINTEXT_MARKER_需要加密_7731';
    const { dataDir, client, stop } = await usedDesk();
    expectOk(await client.call('staff.create', { username: 'marker.user', displayName: marker, role: 'specialist', certified: false, password: 'Marker2026x', passwordSetByStaff: true }));
    const listed = expectOk(await client.call('staff.list'));
    expect(listed.map((s) => s.displayName)).toContain(marker);
    await stop();
    const files = fs.readdirSync(dataDir).filter((name) => name.startsWith('intake-desk.db'));
    expect(files).toContain('intake-desk.db');
    for (const name of files) {
      const bytes = fs.readFileSync(path.join(dataDir, name));
      expect(bytes.includes(Buffer.from(marker, 'utf8')), `${name} contains the marker`).toBe(false);
      expect(bytes.includes(Buffer.from('SQLite format 3')), `${name} has a plain SQLite header`).toBe(false);
    }
  });

  it('creates its key file readable by the owner only', async () => {
    const { dataDir } = await usedDesk();
    expect(fs.statSync(path.join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});

describe('npm run audit:verify', () => {
  const verify = (dataDir: string): { status: number; output: string } => {
    try {
      const output = execFileSync(process.execPath, [path.join(ROOT, 'dist/cli/audit-verify.cjs'), '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: 0, output };
    } catch (error) {
      const failed = error as { status: number; stdout: string; stderr: string };
      return { status: failed.status, output: failed.stdout + failed.stderr };
    }
  };

  it('passes on a used database and names the entry after one byte of it is changed', async () => {
    const { dataDir, client, stop } = await usedDesk();
    expectOk(await client.call('auth.lock'));
    expectOk(await client.call('auth.unlock', { password: 'Manager2026' }));
    expectOk(await client.call('staff.create', { username: 'li.na', displayName: '李娜', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
    await stop();

    const clean = verify(dataDir);
    expect(clean.status).toBe(0);
    expect(clean.output).toMatch(/audit chain intact: \d+ entries/);

    // An attacker with the key rewrites one byte of entry 3 (dropping the append-only trigger first).
    const db = openDatabase(databasePath(dataDir), readOrCreateKeyFile(dataDir, { create: false }));
    const row = db.prepare('SELECT details FROM audit_log WHERE seq = 3').get() as { details: string };
    db.exec('DROP TRIGGER audit_append_only_update');
    db.prepare('UPDATE audit_log SET details = ? WHERE seq = 3').run(row.details.replace('{', '{ '));
    db.close();

    const tampered = verify(dataDir);
    expect(tampered.status).toBe(1);
    expect(tampered.output).toMatch(/entry 3/);
  });
});
