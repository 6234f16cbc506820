// The idle lock counts from the core's own clock: a session left alone locks itself, and activity
// (any call, including the renderer's heartbeat) keeps it open. Runs the real dispatcher in-process
// with an injected clock so that minutes pass instantly.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { TEST_CLOCK_START, tempDataDir, MANAGER } from '../support/desk';

let core: Core | undefined;
afterEach(() => core?.close());

describe('idle lock', () => {
  it('locks after the configured idle time, and a heartbeat keeps the session open', async () => {
    let now = Date.UTC(2026, 10, 22, 9, 0, 0);
    const events: string[] = [];
    core = openCore({ dataDir: tempDataDir('idle'), keyHex: generateKeyHex(), appVersion: 'test', now: () => now, emit: (_client, event) => events.push(event) });
    const call = async (method: string, input: unknown = {}) => (await core!.handle('window-1', { id: 1, method, input })).result;
    expect((await call('setup.initialize', { organisationName: '度假区', siteName: '雪场', deskName: '1号', manager: MANAGER })).ok).toBe(true);

    now += 4 * 60_000;
    expect((await call('auth.heartbeat')).ok).toBe(true);
    now += 4 * 60_000; // 8 minutes since sign-in, 4 since the heartbeat
    expect((await call('sync.status')).ok).toBe(true);

    now += 5 * 60_000;
    core.sweepIdle();
    expect(events).toContain('session.locked');
    const refused = await call('sync.status');
    expect(refused.ok ? 'ok' : refused.error.code).toBe('LOCKED');
    const session = await call('auth.session');
    expect(session.ok && session.value).toMatchObject({ state: 'locked' });
    const audit = core.services.audit.list(undefined, 5).map((entry) => `${entry.action}:${String(entry.details['reason'])}`);
    expect(audit).toContain('session.lock:idle');
  });
});

describe('outbox size', () => {
  it('equals the number of rows in the outbox view', async () => {
    core = openCore({ dataDir: tempDataDir('outbox'), keyHex: generateKeyHex(), appVersion: 'test', clockStartMs: TEST_CLOCK_START });
    const call = async (method: string, input: unknown = {}) => (await core!.handle('window-1', { id: 1, method, input })).result;
    await call('setup.initialize', { organisationName: '度假区', siteName: '雪场', deskName: '1号', manager: MANAGER });
    await call('settings.update', { maxFailedLogins: 5, lockoutMinutes: 5, idleLockMinutes: 10 });
    expect(core.services.ops.outboxSize()).toBe(3);
    expect(core.services.ops.outboxCountFromView()).toBe(3);
  });
});
