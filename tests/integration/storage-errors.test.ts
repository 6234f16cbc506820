// A full disk during entry: the core answers DISK_FULL (never a crash or a half-saved record), the
// typed record is still the renderer's to resend, and the log names the kind of failure without any
// personal data. The disk is made "full" for real with SQLite's own limit on the database size; the
// background-work test fills a real tmpfs (tests/support/full-disk.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { MANAGER, TEST_CLOCK_START, connect, setUpDesk, signedIn, startDesk, tempDataDir } from '../support/desk';
import { canMountSmallDisk, fillDisk, mountSmallDisk, unmountSmallDisk } from '../support/full-disk';
import { customer } from '../support/backup';

let core: Core | undefined;
afterEach(() => core?.close());

describe('storage errors', () => {
  it('answers DISK_FULL when the disk fills during entry, keeps nothing half-written, and saves once there is room', async () => {
    core = openCore({ dataDir: tempDataDir('full'), keyHex: generateKeyHex(), appVersion: 'test', now: () => TEST_CLOCK_START });
    let id = 1;
    const call = async (method: string, input: unknown = {}) => (await core!.handle('window-1', { id: id++, method, input })).result;
    expect((await call('setup.initialize', { organisationName: '度假区', siteName: '雪场', deskName: '1号', manager: MANAGER })).ok).toBe(true);
    const consent = { ...defaultConsent(), idConsent: true };

    const pages = Number(core.db.pragma('page_count', { simple: true }));
    core.db.pragma(`max_page_count = ${pages}`);
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let full: { n: number; result: Awaited<ReturnType<typeof call>>; draftId: string } | undefined;
    try {
      for (let n = 0; n < 200 && !full; n += 1) {
        const draft = await call('intake.draft.start', { customerId: null });
        if (!draft.ok) {
          full = { n, result: draft, draftId: '' };
          break;
        }
        const draftId = (draft.value as { id: string }).id;
        const result = await call('intake.submit', { draftId, fields: customer(n), consent, customerId: null, customerPresent: true });
        if (!result.ok) full = { n, result, draftId };
      }
    } finally {
      process.stderr.write = write;
    }
    expect(full, 'the database never filled up').toBeDefined();
    if (!full || full.result.ok) throw new Error('unreachable');
    expect(full.result.error.code).toBe('DISK_FULL');
    expect(full.result.error.message).toContain('what was typed is still on screen');
    const person = customer(full.n);
    const line = logged.find((text) => text.includes('storage error'));
    expect(line).toContain('"kind":"full"');
    for (const text of logged) for (const value of [person.name, person.mobile, person.idNumber]) expect(text).not.toContain(value);
    const countOf = (table: 'customers' | 'intakes') => (core!.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(countOf('customers')).toBe(full.n);
    expect(countOf('intakes')).toBe(full.n);

    // Space is freed: the same typed record, sent again, is saved whole.
    core.db.pragma('max_page_count = 1073741823');
    const draft = full.draftId ? { ok: true as const, value: { id: full.draftId } } : await call('intake.draft.start', { customerId: null });
    if (!draft.ok) throw new Error('draft refused');
    const saved = await call('intake.submit', { draftId: (draft.value as { id: string }).id, fields: person, consent, customerId: null, customerPresent: true });
    expect(saved.ok).toBe(true);
    expect(countOf('customers')).toBe(full.n + 1);
  });
});

describe('storage errors in background work', () => {
  let host: Awaited<ReturnType<typeof startDesk>> | undefined;
  let disk: string | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
    if (disk) unmountSmallDisk(disk);
    disk = undefined;
  });

  it.runIf(canMountSmallDisk())('a checkpoint that finds the disk full is logged by kind and retried; the core stays up and nobody is signed out', async () => {
    disk = mountSmallDisk();
    const dataDir = path.join(disk, 'desk');
    fs.mkdirSync(dataDir);
    host = await startDesk({ dataDir });
    const admin = await connect(host);
    await setUpDesk(admin);
    admin.close();
    const manager = await signedIn(host, MANAGER.username, MANAGER.password);
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      // Fresh writes are in the write-ahead log, then the disk fills: the next checkpoint must grow
      // the database file, and there is no room for it. The checkpointer copies the log on its own
      // thread in the first quiet moment after a commit (a quarter to half a second); on a slow machine
      // it may copy the writes just before the disk fills, so the writes and the fill are tried again
      // (with the space freed in between) until a checkpoint meets them.
      const fullLogged = () => logged.some((line) => line.includes('storage error in background work') && line.includes('"kind":"full"'));
      let filler = '';
      for (let attempt = 1; attempt <= 4 && !fullLogged(); attempt += 1) {
        if (filler) fs.rmSync(filler);
        for (let index = 0; index < 3; index += 1) {
          expect((await manager.call('staff.create', { username: `wal.${attempt}.${index}`, displayName: `WAL ${attempt}-${index}`, role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true })).ok).toBe(true);
        }
        filler = fillDisk(disk);
        const until = Date.now() + 7_000;
        while (!fullLogged() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(fullLogged()).toBe(true);
      expect(logged.some((line) => line.includes('core worker stopped'))).toBe(false);
      const session = await manager.call('auth.heartbeat', {});
      expect(session.ok).toBe(true);
      fs.rmSync(filler);
      expect((await manager.call('staff.list', {})).ok).toBe(true);
    } finally {
      process.stderr.write = write;
      manager.close();
    }
  });
});
