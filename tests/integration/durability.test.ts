// Nothing acknowledged is lost when the core dies: not when its worker is killed, not when the
// whole process is killed with SIGKILL.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MANAGER, ROOT, TEST_CLOCK_START, connect, expectOk, setUpDesk, startDesk, tempDataDir, waitForEvent } from '../support/desk';
import { startBrowserHost } from '../../electron/browser-host/server';
import { AuditHeadFile } from '../../electron/core/audit/audit-log';
import { openCore } from '../../electron/core/core';
import { deriveDeskKeys } from '../../electron/core/crypto/desk-keys';
import { readOrCreateKeyFile } from '../../electron/core/db/key-file';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('durability', () => {
  it('restarts a killed core worker; acknowledged changes survive and the session asks to sign in again', async () => {
    const host = await startDesk();
    stops.push(() => host.close());
    const client = await connect(host);
    await setUpDesk(client);
    const created = [] as string[];
    for (let i = 0; i < 20; i += 1) {
      const staff = expectOk(await client.call('staff.create', { username: `staff.${i}`, displayName: `员工${i}`, role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true }));
      created.push(staff.id);
    }
    const restarted = new Promise<void>((resolve) => host.supervisor.once('restarted', () => resolve()));
    await host.supervisor.crashForTesting();
    await restarted;
    await waitForEvent(client, 'core.restarted');
    expect(expectOk(await client.call('auth.session')).state).toBe('none');
    expectOk(await client.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
    const ids = expectOk(await client.call('staff.list')).map((s) => s.id);
    for (const id of created) expect(ids).toContain(id);
    expect(expectOk(await client.call('sync.status')).pending).toBe(22);
    client.close();
  });

  it('keeps every acknowledged write when the whole host process is SIGKILLed', async () => {
    const dataDir = tempDataDir('kill');
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/electron/browser-host.cjs')], {
      env: { ...process.env, INTAKE_DESK_DATA_DIR: dataDir, INTAKE_DESK_NO_OPEN: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const launchUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /Intake Desk running at (\S+)/.exec(chunk.toString());
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error('host exited')));
    });
    const origin = new URL(launchUrl).origin;
    const fakeHost = { origin, launchUrl: () => launchUrl } as Parameters<typeof connect>[0];
    const client = await connect(fakeHost);
    await setUpDesk(client);
    const acknowledged: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const result = await client.call('staff.create', { username: `kill.${i}`, displayName: `员工${i}`, role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true });
      acknowledged.push(expectOk(result).username);
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    client.close();

    const reopened = await startBrowserHost({ dataDir, workerFile: path.join(ROOT, 'dist/electron/core-worker.cjs'), rendererDir: path.join(ROOT, 'dist/renderer'), appVersion: 'test' });
    stops.push(() => reopened.close());
    const again = await connect(reopened);
    expectOk(await again.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
    const usernames = expectOk(await again.call('staff.list')).map((s) => s.username);
    for (const username of acknowledged) expect(usernames).toContain(username);
    again.close();
  });

  it('a host stopped right after a commit leaves the signed audit head at the last entry (it is written after the answer, and flushed on stop)', async () => {
    const host = await startDesk();
    const client = await connect(host);
    await setUpDesk(client);
    for (let i = 0; i < 5; i += 1) {
      expectOk(await client.call('staff.create', { username: `stop.${i}`, displayName: `员工${i}`, role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true }));
    }
    client.close();
    await host.close();

    const keyHex = readOrCreateKeyFile(host.dataDir, { create: false });
    const head = AuditHeadFile.inDataDir(host.dataDir, deriveDeskKeys(keyHex)).read();
    const core = openCore({ dataDir: host.dataDir, keyHex, appVersion: 'test' });
    try {
      const [last] = core.services.audit.list(undefined, 1);
      // No catch-up on this start: the head already named the last entry.
      expect(last?.action).not.toBe('audit.head_advanced');
      expect(head).toEqual({ state: 'ok', head: { seq: last?.seq, hash: expect.any(String) as string } });
      expect(core.services.audit.verify()).toEqual({ ok: true, entries: last?.seq });
    } finally {
      core.close();
    }
  });

  it('a core worker killed between its commits and the head file restarts with its audit trail intact', async () => {
    const host = await startDesk();
    stops.push(() => host.close());
    const client = await connect(host);
    await setUpDesk(client);
    for (let i = 0; i < 10; i += 1) {
      expectOk(await client.call('staff.create', { username: `kill.head.${i}`, displayName: `员工${i}`, role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true }));
    }
    const restarted = new Promise<void>((resolve) => host.supervisor.once('restarted', () => resolve()));
    await host.supervisor.crashForTesting();
    await restarted;
    await waitForEvent(client, 'core.restarted');
    expectOk(await client.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
    const verified = expectOk(await client.call('audit.verify', {}));
    expect(verified).toMatchObject({ ok: true });
    client.close();
  });

  it('an empty walk-in draft starts without waiting for the disk, and everything after it is synchronous again', async () => {
    const core = openCore({ dataDir: tempDataDir('unsynced'), keyHex: readOrCreateKeyFile(tempDataDir('unsynced-key')), appVersion: 'test', now: () => TEST_CLOCK_START });
    try {
      let id = 1;
      const call = async (method: string, input: unknown = {}) => (await core.handle('window-1', { id: id++, method, input })).result;
      expect((await call('setup.initialize', { organisationName: '度假区', siteName: '雪场', deskName: '1号', manager: MANAGER })).ok).toBe(true);
      // synchronous: 2 = FULL (every commit waits for the disk), 1 = NORMAL.
      const seen: number[] = [];
      const commit = core.services.transactUnsynced;
      const watched = <T>(work: () => T): T => commit(() => {
        seen.push(Number(core.db.pragma('synchronous', { simple: true })));
        return work();
      });
      Object.assign(core.services, { transactUnsynced: watched });
      const draft = await call('intake.draft.start', { customerId: null });
      expect(draft.ok).toBe(true);
      expect(seen).toEqual([1]);
      expect(core.db.pragma('synchronous', { simple: true })).toBe(2);
      // A failure inside leaves the connection synchronous too.
      expect(() => core.services.transactUnsynced(() => { throw new Error('refused'); })).toThrow('refused');
      expect(core.db.pragma('synchronous', { simple: true })).toBe(2);
      const drafts = core.db.prepare('SELECT count(*) AS n FROM drafts').get() as { n: number };
      expect(drafts.n).toBe(1);
    } finally {
      core.close();
    }
  });
});
