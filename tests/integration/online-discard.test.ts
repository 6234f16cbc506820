// Issue 15: a submission loaded into the walk-in entry is claimed by whoever loaded it. Discarding
// that entry gives the submission back at once (the core ends the claim), so a colleague can take it
// instead of waiting for the claim to run out. A real desk (browser host, core worker, SQLCipher in a
// temp folder) over its RPC, and a real central server (Fastify + PGlite) on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { clockFrom } from '../../electron/core/core';
import { formConfigResponseSchema, submitResponseSchema } from '../../shared/api/online-contract';
import { sealSubmission } from '../../shared/online/envelope';
import { TEST_CLOCK_START, connect, expectOk, setUpDesk, signedIn, startDesk, type RpcClient } from '../support/desk';
import { startSyncServer, type SyncServer } from '../support/sync-server';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk | undefined;
let server: SyncServer | undefined;
const clients: RpcClient[] = [];

afterEach(async () => {
  for (const each of clients.splice(0)) each.close();
  await desk?.close();
  desk = undefined;
  await server?.stop().catch(() => undefined);
  server = undefined;
});

const CUSTOMER = { name: '欧阳娜娜', mobile: '13912345678', idNumber: '11010519491231002X', addressProvince: '吉林省', emergencyName: '欧阳强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner' };

/** What the customer's page does: read the site's form, seal the submission to its public key, post it. */
async function customerSubmits(srv: SyncServer): Promise<string> {
  const config = formConfigResponseSchema.parse(await (await fetch(`${srv.url}/form/site_hall/config`)).json());
  const payload = JSON.stringify({
    v: 1, siteCode: 'site_hall', lang: 'zh-CN', fields: CUSTOMER, sealedAt: config.serverTime,
    consent: { noticeVersion: config.consent.version, purposes: ['registration', 'service', 'safety'], idConsent: true, guardianConsent: false, marketing: false, method: 'online', paperFormNo: '' },
  });
  const envelope = await sealSubmission(config.kid, config.publicRaw, 'site_hall', payload);
  const response = await fetch(`${srv.url}/form/site_hall/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelope }) });
  expect(response.status).toBe(201);
  return submitResponseSchema.parse(await response.json()).receiptCode;
}

describe('discarding the entry a submission was loaded into', () => {
  it('ends the claim of the person who loaded it, so a colleague can take the submission at once', async () => {
    desk = await startDesk();
    server = await startSyncServer({ now: clockFrom(Date.now, TEST_CLOCK_START) });
    const manager = await connect(desk);
    clients.push(manager);
    await setUpDesk(manager);
    for (const [username, displayName] of [['staff.a', '甲专员'], ['staff.b', '乙专员']] as const) {
      expectOk(await manager.call('staff.create', { username, displayName, role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
    }
    expectOk(await manager.call('sync.register', { serverUrl: server.url, organisationId: 'org_lodge', siteId: 'site_hall' }));
    expectOk(await manager.call('online.configure', { open: true }));
    const receiptCode = await customerSubmits(server);
    const a = await signedIn(desk, 'staff.a');
    const b = await signedIn(desk, 'staff.b');
    clients.push(a, b);
    expectOk(await a.call('sync.now'));

    // A loads it into an entry: it is A's, and B is told a colleague is working on it.
    const draft = expectOk(await a.call('intake.draft.start', { customerId: null }));
    const loaded = expectOk(await a.call('online.load', { receiptCode }));
    const taken = await b.call('online.claim', { submissionId: loaded.submissionId });
    expect(taken.ok ? null : taken.error.fields).toEqual({ receiptCode: 'online_claimed' });

    // A discards the entry: the claim ends with it, B takes the submission and can load it.
    expectOk(await a.call('intake.draft.discard', { id: draft.id, onlineSubmissionId: loaded.submissionId }));
    const queue = expectOk(await b.call('online.queue'));
    expect(queue.items.find((item) => item.submissionId === loaded.submissionId)?.claim).toBeNull();
    expectOk(await b.call('online.claim', { submissionId: loaded.submissionId }));
    expect(expectOk(await b.call('online.load', { receiptCode })).fields.name).toBe(CUSTOMER.name);

    // Discarding an entry never fails over the submission: B's claim is not A's to end.
    const other = expectOk(await a.call('intake.draft.start', { customerId: null }));
    expectOk(await a.call('intake.draft.discard', { id: other.id, onlineSubmissionId: loaded.submissionId }));
    expect(expectOk(await a.call('online.queue')).items.find((item) => item.submissionId === loaded.submissionId)?.claim).toMatchObject({ name: '乙专员', mine: false });
  }, 120_000);
});
