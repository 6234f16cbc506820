// The keyed audit chain and its signed head: `npm run audit:verify` finds entries removed from the
// end, a chain rewritten with recomputed SHA-256 hashes, and a head that is missing or rewound;
// a desk used normally (and a database written before the chain was keyed) verifies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_HEAD_FILE, AuditHeadFile, AuditLog, entryHash, GENESIS_HASH, type AuditHead } from '../../electron/core/audit/audit-log';
import { deriveDeskKeys } from '../../electron/core/crypto/desk-keys';
import { openCore, type Core } from '../../electron/core/core';
import { openDatabase, type Db } from '../../electron/core/db/connection';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';
import { MIGRATIONS, migrate } from '../../electron/core/db/migrations';
import { databasePath } from '../../electron/core/paths';
import { MANAGER, ROOT, tempDataDir } from '../support/desk';

const CLI = path.join(ROOT, 'dist', 'cli', 'audit-verify.cjs');
const FIXED_NOW = Date.UTC(2026, 0, 15, 9, 0, 0);

const opened: Core[] = [];
afterEach(() => {
  for (const core of opened.splice(0)) core.close();
});

function verifyCli(dataDir: string): { status: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [CLI, '--data-dir', dataDir], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout.trim() };
}

function open(dataDir: string): Core {
  const core = openCore({ dataDir, keyHex: readOrCreateKeyFile(dataDir), appVersion: 'test', now: () => FIXED_NOW });
  opened.push(core);
  return core;
}

function closeCore(core: Core): void {
  core.close();
  opened.splice(opened.indexOf(core), 1);
}

let nextId = 1;
async function call(core: Core, method: string, input: unknown = {}): Promise<unknown> {
  const response = await core.handle('client-1', { id: nextId++, method, input });
  if (!response.result.ok) throw new Error(`${method}: ${response.result.error.code}`);
  return response.result.value;
}

/** A desk used as people would: set up, a few sign-ins and settings changes (each audited). */
async function usedDesk(): Promise<string> {
  const dataDir = tempDataDir('audit');
  const core = open(dataDir);
  await call(core, 'setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '1号柜台', manager: MANAGER });
  await call(core, 'auth.lock');
  await call(core, 'auth.unlock', { password: MANAGER.password });
  await call(core, 'settings.update', { maxFailedLogins: 6, lockoutMinutes: 10, idleLockMinutes: 5 });
  await call(core, 'auth.logout');
  closeCore(core);
  return dataDir;
}

/** What an attacker with the database key and an SQL shell can do. */
function withSql(dataDir: string, work: (db: Db) => void): void {
  const db = openDatabase(databasePath(dataDir), readOrCreateKeyFile(dataDir, { create: false }));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_append_only_delete;');
    work(db);
  } finally {
    db.close();
  }
}

function lastSeq(dataDir: string): number {
  let seq = 0;
  withSql(dataDir, (db) => {
    seq = (db.prepare('SELECT MAX(seq) AS seq FROM audit_log').get() as { seq: number }).seq;
  });
  return seq;
}

/** Rewrite every entry's hash as the old plain SHA-256 chain would have it. */
function rewriteWithSha256(db: Db, chain: number | null): void {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Parameters<typeof entryHash>[0] & { hash: string }>;
  let prev = GENESIS_HASH;
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ?, chain = COALESCE(?, chain) WHERE seq = ?');
  for (const row of rows) {
    const hash = entryHash({ ...row, prev_hash: prev });
    update.run(prev, hash, chain, row.seq);
    prev = hash;
  }
}

describe('audit:verify on a keyed chain with a signed head', () => {
  it('reports an intact chain for a desk used normally (exit 0)', async () => {
    const dataDir = await usedDesk();
    const result = verifyCli(dataDir);
    expect(result.stdout).toBe(`audit chain intact: ${lastSeq(dataDir)} entries`);
    expect(result.status).toBe(0);
    expect(fs.statSync(path.join(dataDir, AUDIT_HEAD_FILE)).mode & 0o077).toBe(0);
  });

  it('reports the last entries deleted as a truncation (exit 1)', async () => {
    const dataDir = await usedDesk();
    const total = lastSeq(dataDir);
    withSql(dataDir, (db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(total - 3));
    const result = verifyCli(dataDir);
    expect(result.stdout).toBe(`audit chain BROKEN at entry ${total - 2}: truncated after entry ${total - 3} (the signed head names entry ${total})`);
    expect(result.status).toBe(1);
  });

  it('finds a whole chain rewritten with recomputed SHA-256 hashes, whatever chain version it claims', async () => {
    const keyed = await usedDesk();
    withSql(keyed, (db) => rewriteWithSha256(db, null));
    const first = verifyCli(keyed);
    expect(first.stdout).toBe('audit chain BROKEN at entry 1: its content was changed after it was written');
    expect(first.status).toBe(1);

    const downgraded = await usedDesk();
    const total = lastSeq(downgraded);
    withSql(downgraded, (db) => rewriteWithSha256(db, 1));
    const second = verifyCli(downgraded);
    expect(second.stdout).toBe(`audit chain BROKEN at entry ${total}: does not match the signed audit head`);
    expect(second.status).toBe(1);
  });

  it('finds a missing or altered head, and a log behind its head', async () => {
    const dataDir = await usedDesk();
    const headFile = path.join(dataDir, AUDIT_HEAD_FILE);
    const older = fs.readFileSync(headFile);
    const olderSeq = lastSeq(dataDir);
    const core = open(dataDir);
    await call(core, 'auth.login', { username: MANAGER.username, password: MANAGER.password });
    closeCore(core);
    const total = lastSeq(dataDir);
    expect(verifyCli(dataDir).status).toBe(0);

    // The database rolled back to before the last entries (the head names one it no longer has).
    const rolledBack = tempDataDir('audit-rolled-back');
    fs.cpSync(dataDir, rolledBack, { recursive: true });
    withSql(rolledBack, (db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(olderSeq));
    const behind = verifyCli(rolledBack);
    expect(behind.stdout).toBe(`audit chain BROKEN at entry ${olderSeq + 1}: truncated after entry ${olderSeq} (the signed head names entry ${total})`);
    expect(behind.status).toBe(1);

    const forged = JSON.parse(older.toString('utf8')) as { seq: number };
    fs.writeFileSync(headFile, JSON.stringify({ ...forged, seq: total }));
    const altered = verifyCli(dataDir);
    expect(altered.stdout).toBe(`audit chain BROKEN at entry ${total}: the signed audit head was altered or is unreadable`);
    expect(altered.status).toBe(1);

    fs.rmSync(headFile);
    const missing = verifyCli(dataDir);
    expect(missing.stdout).toBe(`audit chain BROKEN at entry ${total}: the signed audit head is missing`);
    expect(missing.status).toBe(1);
  });

  it('verifies a log a few entries ahead of its head (a crash after the commits, before the head was written) and still refuses one that diverges from it', async () => {
    const dataDir = await usedDesk();
    const headFile = path.join(dataDir, AUDIT_HEAD_FILE);
    const older = fs.readFileSync(headFile);
    const olderSeq = lastSeq(dataDir);
    const snapshot = tempDataDir('audit-snapshot');
    fs.cpSync(dataDir, snapshot, { recursive: true });
    const core = open(dataDir);
    await call(core, 'auth.login', { username: MANAGER.username, password: MANAGER.password });
    await call(core, 'auth.lock');
    await call(core, 'auth.unlock', { password: MANAGER.password });
    closeCore(core);
    const total = lastSeq(dataDir);
    expect(total).toBeGreaterThan(olderSeq + 2);

    const newest = fs.readFileSync(headFile);
    // As a crash leaves it: every entry committed, the head file still at the one before them.
    fs.writeFileSync(headFile, older);
    expect(verifyCli(dataDir)).toEqual({ status: 0, stdout: `audit chain intact: ${total} entries` });

    // A database put back to before those entries, which then went on and wrote others: at the
    // head's entry it no longer matches (the new head, from the later database, names another entry).
    const diverged = tempDataDir('audit-diverged');
    fs.cpSync(snapshot, diverged, { recursive: true });
    const other = open(diverged);
    await call(other, 'auth.login', { username: MANAGER.username, password: MANAGER.password });
    for (const lockoutMinutes of [11, 12, 13, 14]) await call(other, 'settings.update', { maxFailedLogins: 7, lockoutMinutes, idleLockMinutes: 5 });
    closeCore(other);
    withSql(diverged, (db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(total));
    expect(lastSeq(diverged)).toBe(total);
    fs.writeFileSync(path.join(diverged, AUDIT_HEAD_FILE), newest);
    const result = verifyCli(diverged);
    expect(result.stdout).toBe(`audit chain BROKEN at entry ${total}: does not match the signed audit head`);
    expect(result.status).toBe(1);
  });

  it('writes the head after the commits, one write at a time, the newest last; a flush puts it on disk at once and a write still in flight never moves it back', async () => {
    const dataDir = await usedDesk();
    const core = open(dataDir);
    const keyHex = readOrCreateKeyFile(dataDir, { create: false });
    // The real head file, counted: how many writes, how many at once.
    let writes = 0;
    let inFlight = 0;
    let mostAtOnce = 0;
    class CountedHeadFile extends AuditHeadFile {
      override async prepare(head: AuditHead): Promise<string> {
        writes += 1;
        inFlight += 1;
        mostAtOnce = Math.max(mostAtOnce, inFlight);
        try {
          return await super.prepare(head);
        } finally {
          inFlight -= 1;
        }
      }
    }
    const headFile = new CountedHeadFile(path.join(dataDir, AUDIT_HEAD_FILE), deriveDeskKeys(keyHex).auditHead);
    const audit = new AuditLog(core.db, core.services.ctx, { key: deriveDeskKeys(keyHex).auditChain, head: headFile });
    audit.open();
    const headSeq = (): number => (headFile.read() as { state: 'ok'; head: AuditHead }).head.seq;

    // A burst of 30 commits: the first write starts at once, the other 29 wait as one.
    for (let i = 0; i < 30; i += 1) audit.append(null, 'customer.reveal', `cus_${i}`, { field: 'mobile', reason: 'test' });
    const burstEnd = lastSeq(dataDir);
    await audit.settled();
    expect(headSeq()).toBe(burstEnd);
    expect(mostAtOnce).toBe(1);
    expect(writes).toBe(2);

    // A flush (close, lock, backup) right after a commit: on disk before it returns; the write
    // started by the commit lands later and is dropped, so the file never goes back.
    audit.append(null, 'customer.reveal', 'cus_a', { field: 'mobile', reason: 'test' });
    audit.append(null, 'customer.reveal', 'cus_b', { field: 'mobile', reason: 'test' });
    const flushed = lastSeq(dataDir);
    audit.flushHead();
    expect(headSeq()).toBe(flushed);
    await audit.settled();
    expect(headSeq()).toBe(flushed);
    expect(fs.readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    closeCore(core);
    expect(verifyCli(dataDir)).toEqual({ status: 0, stdout: `audit chain intact: ${flushed} entries` });
  });

  it('catches up a head left one commit behind (a crash before its write) on the next start, and says so in the log', async () => {
    const dataDir = await usedDesk();
    const headFile = path.join(dataDir, AUDIT_HEAD_FILE);
    const older = fs.readFileSync(headFile);
    const olderSeq = lastSeq(dataDir);
    const core = open(dataDir);
    await call(core, 'auth.login', { username: MANAGER.username, password: MANAGER.password });
    closeCore(core);
    const total = lastSeq(dataDir);
    fs.writeFileSync(headFile, older);

    const restarted = open(dataDir);
    const [latest] = restarted.services.audit.list(undefined, 1);
    expect(latest).toMatchObject({ seq: total + 1, action: 'audit.head_advanced', details: { from: olderSeq, to: total } });
    closeCore(restarted);
    expect(verifyCli(dataDir)).toEqual({ status: 0, stdout: `audit chain intact: ${total + 1} entries` });
  });

  it('keeps a database written before the chain was keyed verifying, sealed by an audited marker', () => {
    // A schema-3 database with a plain SHA-256 chain, as the previous version wrote it.
    const dataDir = tempDataDir('audit-legacy');
    const db = openDatabase(databasePath(dataDir), readOrCreateKeyFile(dataDir));
    migrate(db, MIGRATIONS.slice(0, 3));
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq += 1) {
      const row = { seq, at: FIXED_NOW, device_id: 'dev_legacy', staff_id: null, action: 'auth.login', target: null, details: '{}', prev_hash: prev };
      prev = entryHash(row);
      db.prepare('INSERT INTO audit_log (seq, at, device_id, staff_id, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        row.seq, row.at, row.device_id, row.staff_id, row.action, row.target, row.details, row.prev_hash, prev,
      );
    }
    db.close();
    expect(verifyCli(dataDir).stdout).toBe('audit chain intact: 3 entries');

    const core = open(dataDir);
    const seal = core.services.audit.list(undefined, 1)[0];
    expect(seal).toMatchObject({ seq: 4, action: 'audit.chain_keyed', details: { legacyEntries: 3, legacyHead: prev } });
    closeCore(core);
    expect(verifyCli(dataDir)).toEqual({ status: 0, stdout: 'audit chain intact: 4 entries' });

    // Rewriting the old part with recomputed SHA-256 no longer goes unnoticed: the keyed seal links to it.
    withSql(dataDir, (sql) => {
      sql.prepare("UPDATE audit_log SET details = '{\"forged\":true}' WHERE seq = 2").run();
      const rows = sql.prepare('SELECT * FROM audit_log WHERE chain = 1 ORDER BY seq').all() as Array<Parameters<typeof entryHash>[0]>;
      let link = GENESIS_HASH;
      for (const row of rows) {
        const hash = entryHash({ ...row, prev_hash: link });
        sql.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(link, hash, row.seq);
        link = hash;
      }
    });
    const result = verifyCli(dataDir);
    expect(result).toEqual({ status: 1, stdout: 'audit chain BROKEN at entry 4: does not link to the entry before it' });
  });
});
