// A full disk during entry: the core answers DISK_FULL (never a crash or a half-saved record), the
// typed record is still the renderer's to resend, and the log names the kind of failure without any
// personal data. The disk is made "full" for real with SQLite's own limit on the database size.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { MANAGER, TEST_CLOCK_START, tempDataDir } from '../support/desk';
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
