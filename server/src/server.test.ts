import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DigestResponse, PullResponse, PushResponse, WireOp } from '../../shared/api/sync-contract';
import { signOp } from '../../electron/core/sync/wire-signing';
import { buildServer, type ServerOptions } from './app';
import { migrate, MIGRATIONS, schemaVersion } from './migrations';
import { Store } from './store';
import { runFuzz } from './fuzz-run';
import { BACKENDS, injectTransport, TestDesk, type OpenedBackend, type Transport } from './test-support';

const T0 = 1_800_000_000_000;
// Each test starts its own PGlite (initdb in WebAssembly): seconds on an idle machine, more on a busy one.
vi.setConfig({ testTimeout: 180_000 });

describe.each(BACKENDS)('sync server on $name', (backend) => {
  let opened: OpenedBackend | undefined;
  let app: FastifyInstance | undefined;
  let now = T0;
  const clock = (): number => now;

  afterEach(async () => {
    await app?.close();
    await opened?.cleanup();
    app = undefined;
    opened = undefined;
    now = T0;
  });

  async function start(options: Partial<ServerOptions> = {}): Promise<{ http: Transport; backend: OpenedBackend }> {
    opened = await backend.open();
    app = await buildServer({ db: opened.db, now: clock, ...options });
    return { http: injectTransport(app), backend: opened };
  }

  /** An organisation with one site and its first (active) desk. */
  async function registered(http: Transport, siteId = 'site_a', organisationId = 'org_a'): Promise<TestDesk> {
    const desk = new TestDesk(siteId, `dev_${siteId}_first1`, clock);
    const answer = await desk.call(http, 'POST', '/v1/register', { organisationId, siteId, siteLabel: `label-${siteId}`, desk: desk.keys('售票厅 1') });
    expect(answer.status).toBe(201);
    return desk;
  }

  async function enrolledAndApproved(http: Transport, manager: TestDesk, deskId: string): Promise<TestDesk> {
    const desk = new TestDesk(manager.siteId, deskId, clock);
    expect((await desk.call(http, 'POST', '/v1/desks/enrol', { siteId: desk.siteId, desk: desk.keys() })).status).toBe(201);
    const wrapped = { recipientDeskId: deskId, keyVersion: 1, wrappedBy: manager.deskId, algorithm: 'test', nonce: 'AAAA', ciphertext: 'BBBB' };
    expect((await manager.call(http, 'POST', '/v1/desks/approve', { deskId, keys: [wrapped] })).status).toBe(200);
    return desk;
  }

  it('applies the numbered migrations once, in order', async () => {
    const { backend: b } = await start();
    expect(await schemaVersion(b.db)).toBe(MIGRATIONS.at(-1)?.version);
    expect(await migrate(b.db)).toEqual([]);
    const rows = await b.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => Number(row.version))).toEqual(MIGRATIONS.map((migration) => migration.version));
  });

  it('answers GET /health with 200 and its version', async () => {
    const { http } = await start();
    const answer = await http({ method: 'GET', url: '/health', headers: {} });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ok', version: '0.1.0', api: 1, time: T0 });
  });

  it('enrols a desk as pending, relays its wrapped keyring on approval, then lets it push', async () => {
    const { http } = await start();
    const manager = await registered(http);
    const desk = new TestDesk('site_a', 'dev_site_a_second', clock);
    const enrol = await desk.call<{ desk: { state: string } }>(http, 'POST', '/v1/desks/enrol', { siteId: 'site_a', desk: desk.keys('滑雪学校') });
    expect(enrol.status).toBe(201);
    expect(enrol.body.desk.state).toBe('pending');

    const first = desk.op(randomBytes(32), { n: 1 });
    const pendingPush = await desk.call<{ error: { code: string } }>(http, 'POST', '/v1/ops/push', { ops: [first] });
    expect(pendingPush.status).toBe(403);
    expect(pendingPush.body.error.code).toBe('desk_pending');
    expect((await desk.call<{ keys: unknown[] }>(http, 'GET', '/v1/keyring')).body.keys).toEqual([]);

    const listed = await manager.call<{ desks: { deskId: string; boxPublicKey: string; state: string }[] }>(http, 'GET', '/v1/desks');
    expect(listed.body.desks.find((d) => d.deskId === desk.deskId)).toMatchObject({ boxPublicKey: desk.boxPublicKey, state: 'pending' });

    const wrapped = { recipientDeskId: desk.deskId, keyVersion: 1, wrappedBy: manager.deskId, algorithm: 'x25519-hkdf-aes256gcm', ephemeralPublicKey: manager.boxPublicKey, nonce: 'AAAAAAAAAAAAAAAA', ciphertext: 'c2VhbGVkIGtleQ==' };
    const approve = await manager.call<{ desk: { state: string } }>(http, 'POST', '/v1/desks/approve', { deskId: desk.deskId, keys: [wrapped] });
    expect(approve.status).toBe(200);
    expect(approve.body.desk.state).toBe('active');
    expect((await desk.call<{ keys: unknown[] }>(http, 'GET', '/v1/keyring')).body.keys).toEqual([wrapped]);

    const push = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [first] });
    expect(push.status).toBe(200);
    expect(push.body.acked).toEqual([{ deviceId: desk.deskId, highestContiguousSeq: 1 }]);
  });

  it('stores each op once and acks the highest contiguous sequence per device', async () => {
    const { http } = await start();
    const desk = await registered(http);
    const key = randomBytes(32);
    const [op1, op2, op3, op4] = [1, 2, 3, 4].map((n) => desk.op(key, { n }));
    const first = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [op1, op2, op4] });
    expect(first.body).toMatchObject({ stored: 3, duplicates: 0, acked: [{ deviceId: desk.deskId, highestContiguousSeq: 2 }], rejected: [] });

    const again = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [op2, op3, op3] });
    expect(again.body).toMatchObject({ stored: 1, duplicates: 2, acked: [{ deviceId: desk.deskId, highestContiguousSeq: 4 }] });

    // A desk that pushes again seals its ops again (fresh nonce, ciphertext and signature), one by
    // one or under a new manifest: the same op ids at the same sequences are duplicates, not conflicts.
    const resealed = [op1, op2].map((op) => desk.resealed(key, op!, { n: op!.seq }));
    expect(resealed[0]!.signature).not.toBe(op1!.signature);
    const repushed = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: resealed });
    expect(repushed.body).toMatchObject({ stored: 0, duplicates: 2, rejected: [] });
    const repushedBatch = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', desk.manifest([op3!, op4!].map((op) => desk.resealed(key, op, { n: op.seq }))));
    expect(repushedBatch.body).toMatchObject({ stored: 0, duplicates: 2, rejected: [] });

    // A different op at a held sequence, another desk's op, a forged signature: refused one by one.
    const clash = signOp(desk.signKey, { ...op1!, opId: 'op_somethingelse1', signature: undefined } as unknown as WireOp);
    const foreign = { ...desk.op(key, { n: 5 }), deviceId: 'dev_someoneelse' };
    const forged = { ...desk.op(key, { n: 6 }), ciphertext: op1!.ciphertext };
    const mixed = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [clash, foreign, forged] });
    expect(mixed.status).toBe(200);
    expect(mixed.body.stored).toBe(0);
    expect(mixed.body.rejected.map((r) => [r.opId, r.code])).toEqual([
      [foreign.opId, 'op_rejected'],
      [forged.opId, 'op_rejected'],
      [clash.opId, 'op_rejected'],
    ]);

    const digest = await desk.call<DigestResponse>(http, 'GET', '/v1/ops/digest');
    expect(digest.body.devices).toEqual([{ deviceId: desk.deskId, count: 4, highestContiguousSeq: 4, highestSeq: 4 }]);
  });

  it('pulls a site’s ops by its own cursor, page by page, and nothing of another site', async () => {
    const { http } = await start();
    const deskA = await registered(http, 'site_a', 'org_a');
    const deskA2 = await enrolledAndApproved(http, deskA, 'dev_site_a_second');
    const deskB = await registered(http, 'site_b', 'org_b');
    const key = randomBytes(32);
    await deskA.call(http, 'POST', '/v1/ops/push', { ops: [1, 2, 3].map((n) => deskA.op(key, { n })) });
    await deskB.call(http, 'POST', '/v1/ops/push', { ops: [1, 2].map((n) => deskB.op(key, { n })) });
    await deskA2.call(http, 'POST', '/v1/ops/push', { ops: [1, 2].map((n) => deskA2.op(key, { n })) });

    const seen: WireOp[] = [];
    let cursor = '0';
    let pages = 0;
    for (;;) {
      const page = await deskA2.call<PullResponse>(http, 'GET', `/v1/ops/pull?cursor=${cursor}&limit=2`);
      expect(page.status).toBe(200);
      seen.push(...page.body.ops);
      cursor = page.body.nextCursor;
      pages += 1;
      if (!page.body.more) break;
    }
    expect(pages).toBe(3);
    expect(seen.map((op) => `${op.deviceId}:${op.seq}`)).toEqual([`${deskA.deskId}:1`, `${deskA.deskId}:2`, `${deskA.deskId}:3`, `${deskA2.deskId}:1`, `${deskA2.deskId}:2`]);
    expect(seen.every((op) => op.siteId === 'site_a')).toBe(true);
    // Nothing new: the same cursor back, no ops.
    const idle = await deskA.call<PullResponse>(http, 'GET', `/v1/ops/pull?cursor=${cursor}`);
    expect(idle.body).toEqual({ ops: [], nextCursor: cursor, more: false });
    // Site B's cursor is its own: it starts again from 1.
    const b = await deskB.call<PullResponse>(http, 'GET', '/v1/ops/pull');
    expect(b.body.ops.map((op) => op.cursor)).toEqual(['1', '2']);
  });

  it('takes a push signed once by a manifest, hands pullers the manifests their page names, and refuses what it does not sign', async () => {
    const { http } = await start();
    const desk = await registered(http);
    const other = await enrolledAndApproved(http, desk, 'dev_site_a_second');
    const key = randomBytes(32);
    const legacy = desk.op(key, { n: 1 });
    expect((await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [legacy] })).body.stored).toBe(1);
    const batch = desk.manifest([2, 3, 4].map((n) => desk.op(key, { n })));
    expect(batch.ops.every((op) => op.signature === undefined && op.manifestId === batch.manifests[0]?.manifestId)).toBe(true);
    const pushed = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', batch);
    expect(pushed.body).toMatchObject({ stored: 3, duplicates: 0, acked: [{ deviceId: desk.deskId, highestContiguousSeq: 4 }], rejected: [] });

    // The page carries each op as pushed (its own signature, or its manifest id) and the manifests it names.
    const page = await other.call<PullResponse>(http, 'GET', '/v1/ops/pull');
    expect(page.body.ops.map((op) => [op.seq, op.signature === undefined, op.manifestId ?? null])).toEqual([
      [1, false, null],
      [2, true, batch.manifests[0]!.manifestId],
      [3, true, batch.manifests[0]!.manifestId],
      [4, true, batch.manifests[0]!.manifestId],
    ]);
    expect(page.body.manifests).toEqual(batch.manifests);
    const legacyOnly = await other.call<PullResponse>(http, 'GET', '/v1/ops/pull?limit=1');
    expect(legacyOnly.body.manifests).toBeUndefined();

    // An op whose payload was swapped after signing, a manifest missing, one signed by another desk: refused one by one.
    const next = desk.manifest([5, 6].map((n) => desk.op(key, { n })));
    const swapped = { ...next.ops[0]!, ciphertext: next.ops[1]!.ciphertext };
    const noManifest = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: next.ops });
    expect(noManifest.body.rejected.map((r) => [r.seq, r.code])).toEqual([
      [5, 'op_rejected'],
      [6, 'op_rejected'],
    ]);
    const tampered = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [swapped, next.ops[1]!], manifests: next.manifests });
    expect(tampered.body).toMatchObject({ stored: 1, rejected: [{ seq: 5, code: 'op_rejected', message: 'op signature does not verify' }] });
    const stolen = other.manifest([other.op(key, { n: 1 })]);
    const foreign = await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops: [{ ...desk.op(key, { n: 7 }), signature: undefined, manifestId: stolen.manifests[0]!.manifestId }], manifests: stolen.manifests });
    expect(foreign.body).toMatchObject({ stored: 0, rejected: [{ seq: 7, code: 'op_rejected' }] });
  });

  it('ends a pull page rather than name more manifests than a page may carry', async () => {
    const { http } = await start();
    const desk = await registered(http);
    const key = randomBytes(32);
    // Each push its own manifest: one more than a page may name.
    for (let n = 1; n <= 17; n += 1) expect((await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', desk.manifest([desk.op(key, { n })]))).body.stored).toBe(1);
    const first = await desk.call<PullResponse>(http, 'GET', '/v1/ops/pull');
    expect([first.body.ops.length, first.body.manifests?.length, first.body.more]).toEqual([16, 16, true]);
    const second = await desk.call<PullResponse>(http, 'GET', `/v1/ops/pull?cursor=${first.body.nextCursor}`);
    expect([second.body.ops.map((op) => op.seq), second.body.manifests?.length, second.body.more]).toEqual([[17], 1, false]);
  });

  it('refuses bad signatures, replays, skewed clocks, unknown and revoked desks', async () => {
    const { http } = await start();
    const manager = await registered(http);
    const desk = await enrolledAndApproved(http, manager, 'dev_site_a_second');
    const code = (answer: { body: unknown }): string => (answer.body as { error: { code: string } }).error.code;

    const headers = desk.sign('GET', '/v1/desks', '', 'nonce-used-only-once-1');
    expect((await http({ method: 'GET', url: '/v1/desks', headers })).status).toBe(200);
    const replay = await http({ method: 'GET', url: '/v1/desks', headers });
    expect([replay.status, code(replay)]).toEqual([401, 'replayed']);

    const tampered = desk.sign('GET', '/v1/desks', '');
    const wrongPath = await http({ method: 'GET', url: '/v1/keyring', headers: tampered });
    expect([wrongPath.status, code(wrongPath)]).toEqual([401, 'bad_signature']);

    const stale = desk.sign('GET', '/v1/desks', '');
    now += 6 * 60 * 1000;
    const skewed = await http({ method: 'GET', url: '/v1/desks', headers: stale });
    expect([skewed.status, code(skewed)]).toEqual([401, 'clock_skew']);

    const stranger = new TestDesk('site_a', 'dev_nobody_here', clock);
    const unknown = await stranger.call(http, 'GET', '/v1/desks');
    expect([unknown.status, code(unknown)]).toEqual([401, 'unknown_desk']);

    const unsigned = await http({ method: 'GET', url: '/v1/desks', headers: {} });
    expect([unsigned.status, code(unsigned)]).toEqual([401, 'unauthenticated']);

    const revoke = await manager.call<{ desk: { state: string } }>(http, 'POST', '/v1/desks/revoke', { deskId: desk.deskId });
    expect(revoke.body.desk.state).toBe('revoked');
    const refused = await desk.call(http, 'POST', '/v1/ops/push', { ops: [desk.op(randomBytes(32), { n: 1 })] });
    expect([refused.status, code(refused)]).toEqual([403, 'desk_revoked']);
    const reEnrol = await desk.call(http, 'POST', '/v1/desks/enrol', { siteId: 'site_a', desk: desk.keys() });
    expect([reEnrol.status, code(reEnrol)]).toEqual([403, 'desk_revoked']);
  });

  it('counts each desk’s requests in the database, so two replicas on it share one limit', async () => {
    const { http, backend: b } = await start({ rateLimit: { burst: 3, perSecond: 1 } });
    const replica = await buildServer({ db: b.db, now: clock, rateLimit: { burst: 3, perSecond: 1 } });
    try {
      const second = injectTransport(replica);
      const manager = await registered(http);
      const desk = await enrolledAndApproved(http, manager, 'dev_site_a_second');
      // Registration and approval took two of the manager's three tokens; one is left, on either replica.
      const statuses = [(await manager.call(second, 'GET', '/v1/desks')).status, (await manager.call(http, 'GET', '/v1/desks')).status, (await manager.call(second, 'GET', '/v1/desks')).status];
      expect(statuses).toEqual([200, 429, 429]);
      // Another desk's bucket is its own.
      expect((await desk.call(second, 'GET', '/v1/desks')).status).toBe(200);
      now += 1000;
      expect((await manager.call(http, 'GET', '/v1/desks')).status).toBe(200);
      expect((await manager.call(second, 'GET', '/v1/desks')).status).toBe(429);
      // Buckets of desks idle long enough to be full again are dropped: a missing row is a full bucket.
      now += 10 * 60_000;
      await new Store(b.db).forgetIdleBucketsBefore(now - 60_000);
      expect((await b.db.query('SELECT 1 FROM rate_buckets')).length).toBe(0);
      const refilled = [];
      for (let i = 0; i < 4; i += 1) refilled.push((await manager.call(i % 2 === 0 ? http : second, 'GET', '/v1/desks')).status);
      expect(refilled).toEqual([200, 200, 200, 429]);
    } finally {
      await replica.close();
    }
  });

  it('limits each desk’s request rate on its own', async () => {
    const { http } = await start({ rateLimit: { burst: 3, perSecond: 1 } });
    const manager = await registered(http);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await manager.call(http, 'GET', '/v1/desks')).status);
    // Registration took one token from the bucket of three.
    expect(statuses).toEqual([200, 200, 429, 429]);
    now += 1000;
    expect((await manager.call(http, 'GET', '/v1/desks')).status).toBe(200);
  });

  it('refuses control characters in labels with a 400 naming the field, not a database error', async () => {
    const { http } = await start();
    const desk = new TestDesk('site_nul', 'dev_site_nul_first', clock);
    const answer = await desk.call(http, 'POST', '/v1/register', { organisationId: 'org_nul', siteId: 'site_nul', siteLabel: 'ski\u0000hall', desk: desk.keys() });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'bad_request', field: 'body.siteLabel' } });
  });

  it('refuses a body over 1 MB with body_too_large', async () => {
    const { http } = await start();
    const desk = await registered(http);
    const big = JSON.stringify({ ops: [{ ciphertext: 'A'.repeat(1024 * 1024) }] });
    const answer = await http({ method: 'POST', url: '/v1/ops/push', headers: { ...desk.sign('POST', '/v1/ops/push', big), 'content-type': 'application/json' }, body: big });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('keeps no personal value in clear in its storage, its log or its errors', async () => {
    const lines: string[] = [];
    const { http, backend: b } = await start({ log: (line) => lines.push(line) });
    const desk = await registered(http);
    const key = randomBytes(32);
    const people = [
      { name: '张伟明', phone: '13812345678', idNumber: '11010519491231002X', address: '北京市朝阳区建国路88号' },
      { name: 'Zhao Xiaoyu', phone: '+8613900001111', idNumber: '440301199001011234', address: '深圳市南山区科技园' },
    ];
    const ops = people.map((person) => desk.op(key, person));
    expect((await desk.call<PushResponse>(http, 'POST', '/v1/ops/push', { ops })).body.stored).toBe(2);
    // Personal values sent where they do not belong come back as refusals that do not quote them.
    const errors: string[] = [];
    for (const person of people) {
      const bad = await desk.call(http, 'POST', '/v1/ops/push', { ops: [{ ...ops[0], entityId: person.name, hlc: person.phone }] });
      expect(bad.status).toBe(400);
      errors.push(JSON.stringify(bad.body));
      const badDesk = await desk.call(http, 'POST', '/v1/desks/revoke', { deskId: person.idNumber + person.address });
      errors.push(JSON.stringify(badDesk.body));
    }
    const stored = await b.closeAndDump();
    // The dump is readable: the site label pushed in clear is found in it.
    expect(stored.includes(Buffer.from('label-site_a'))).toBe(true);
    for (const person of people) {
      for (const value of Object.values(person)) {
        expect(stored.includes(Buffer.from(value, 'utf8')), `storage holds ${value.length}-char value`).toBe(false);
        expect(lines.join('\n')).not.toContain(value);
        expect(errors.join('\n')).not.toContain(value);
      }
    }
  });

  it('answers a few thousand fuzzed requests with a 4xx and a code each', async () => {
    const { backend: b } = await start();
    const result = await runFuzz({ db: b.db, requests: 2000, seed: 7 });
    expect(result.examples).toEqual([]);
    expect(result.crashes).toBe(0);
    expect(result.requests).toBe(2000);
  });
});
