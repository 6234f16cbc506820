import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSubmissionKeyPair, openSubmission, sealSubmission, type SubmissionEnvelope } from '../../shared/online/envelope';
import type { PublishFormRequest } from '../../shared/api/online-contract';
import { buildServer, type ServerOptions } from './app';
import { OnlineStore } from './online-store';
import { BACKENDS, injectTransport, TestDesk, type OpenedBackend, type Transport } from './test-support';

const T0 = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;
vi.setConfig({ testTimeout: 180_000 });

/** Values a customer types: none of them may reach the server's storage or logs. */
const VALUES = { name: '欧阳娜娜', mobile: '13912345678', idNumber: '11010519491231002X', addressDetail: '望京街道阜通东大街6号院' };

function form(publicRaw: string, overrides: Partial<PublishFormRequest> = {}): PublishFormRequest {
  return {
    kid: 'sk1',
    publicRaw,
    siteLabel: '南山滑雪场',
    fields: [
      { key: 'name', required: true },
      { key: 'mobile', required: true },
      { key: 'idNumber', required: true },
      { key: 'addressDetail', required: false },
    ],
    consent: {
      version: '2026-11',
      text: { 'zh-CN': '我们收集您的信息用于入场登记。', en: 'We collect your details to register you.' },
      idNumberText: { 'zh-CN': '证件号码属于敏感个人信息。', en: 'Your ID number is sensitive personal information.' },
    },
    retentionDays: 30,
    open: true,
    ...overrides,
  };
}

const payload = (siteCode: string): string => JSON.stringify({ v: 1, siteCode, lang: 'zh-CN', fields: VALUES, consent: { noticeVersion: '2026-11', purposes: ['registration'], idConsent: true, guardianConsent: false, marketing: false, method: 'online', paperFormNo: '' }, sealedAt: T0 });

describe.each(BACKENDS)('online submissions on $name', (backend) => {
  let opened: OpenedBackend | undefined;
  let app: FastifyInstance | undefined;
  let now = T0;
  const clock = (): number => now;
  const logs: string[] = [];

  afterEach(async () => {
    await app?.close();
    await opened?.cleanup();
    app = undefined;
    opened = undefined;
    now = T0;
    logs.length = 0;
  });

  async function start(options: Partial<ServerOptions> = {}): Promise<{ http: Transport; desk: TestDesk; keys: { publicRaw: string; privatePkcs8: string } }> {
    opened = await backend.open();
    app = await buildServer({ db: opened.db, now: clock, log: (line) => logs.push(line), ...options });
    const http = injectTransport(app);
    const desk = new TestDesk('site_a', 'dev_site_a_first1', clock);
    expect((await desk.call(http, 'POST', '/v1/register', { organisationId: 'org_a', siteId: 'site_a', desk: desk.keys() })).status).toBe(201);
    const keys = await generateSubmissionKeyPair();
    return { http, desk, keys };
  }

  async function publish(http: Transport, desk: TestDesk, request: PublishFormRequest): Promise<{ siteCode: string; url: string; posterUrl?: string }> {
    const answer = await desk.call<{ siteCode: string; url: string; posterUrl?: string }>(http, 'POST', '/v1/online/form', request);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function submit(http: Transport, envelope: SubmissionEnvelope, extra: Record<string, unknown> = {}, site = 'site_a'): Promise<{ status: number; body: { receiptCode?: string; receivedAt?: number; processBy?: number; error?: { code: string; field?: string } } }> {
    return (await http({ method: 'POST', url: `/form/${site}/submissions`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelope, ...extra }) })) as never;
  }

  type Pulled = { items: { submissionId: string; receiptCode: string; receivedAt: number; size: number; envelope: SubmissionEnvelope | null; erasedAt: number | null; cursor: string }[]; nextCursor: string; more: boolean };

  it('publishes the form, takes a sealed submission, and hands it to the desk to open with the private key', async () => {
    const { http, desk, keys } = await start();
    const published = await publish(http, desk, form(keys.publicRaw));
    expect(published.siteCode).toBe('site_a');
    expect(published.url).toMatch(/\/form\/site_a$/);
    expect(published.posterUrl).toMatch(/\/form\/site_a\/poster$/);

    const config = await http({ method: 'GET', url: '/form/site_a/config', headers: {} });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ siteCode: 'site_a', kid: 'sk1', publicRaw: keys.publicRaw, open: true, processWithinMinutes: 120, serverTime: T0 });
    expect(config.body).not.toHaveProperty('retentionDays');

    const envelope = await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a'));
    now = T0 + 5_000;
    const answer = await submit(http, envelope);
    expect(answer.status).toBe(201);
    expect(answer.body.receiptCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(answer.body.receivedAt).toBe(T0 + 5_000);
    expect(answer.body.processBy).toBe(T0 + 5_000 + 120 * 60_000);

    const pulled = await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0');
    expect(pulled.status).toBe(200);
    expect(pulled.body.items).toHaveLength(1);
    const item = pulled.body.items[0]!;
    expect(item).toMatchObject({ receiptCode: answer.body.receiptCode, receivedAt: T0 + 5_000, erasedAt: null });
    expect(item.size).toBeGreaterThan(0);
    const opened = JSON.parse(await openSubmission(keys.privatePkcs8, 'site_a', item.envelope)) as { fields: typeof VALUES };
    expect(opened.fields).toEqual(VALUES);

    // Nothing new after the cursor.
    const again = await desk.call<Pulled>(http, 'GET', `/v1/online/pull?cursor=${pulled.body.nextCursor}`);
    expect(again.body.items).toEqual([]);
  });

  it('erases a processed submission, leaving a tombstone every desk pulls at a new cursor', async () => {
    const { http, desk, keys } = await start();
    await publish(http, desk, form(keys.publicRaw));
    await submit(http, await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a')));
    const first = await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0');
    const id = first.body.items[0]!.submissionId;
    now += 60_000;
    const erase = await desk.call<{ erased: number }>(http, 'POST', '/v1/online/erase', { submissionIds: [id] });
    expect(erase.body).toEqual({ erased: 1 });
    expect((await desk.call<{ erased: number }>(http, 'POST', '/v1/online/erase', { submissionIds: [id] })).body).toEqual({ erased: 0 });

    const later = await desk.call<Pulled>(http, 'GET', `/v1/online/pull?cursor=${first.body.nextCursor}`);
    expect(later.body.items).toHaveLength(1);
    expect(later.body.items[0]).toMatchObject({ submissionId: id, envelope: null, erasedAt: T0 + 60_000 });
    const all = await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0');
    expect(all.body.items.map((each) => each.envelope)).toEqual([null]);
  });

  it('erases unprocessed submissions once the retention has passed, leaving tombstones', async () => {
    const { http, desk, keys } = await start();
    await publish(http, desk, form(keys.publicRaw, { retentionDays: 3 }));
    await submit(http, await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a')));
    const sweep = new OnlineStore(opened!.db);
    now = T0 + 3 * DAY - 1;
    expect(await sweep.expireAll(now)).toBe(0);
    expect((await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0')).body.items[0]!.envelope).not.toBeNull();
    now = T0 + 3 * DAY + 1;
    // The periodic sweep (every site) erases it, and a pull finds the tombstone.
    expect(await sweep.expireAll(now)).toBe(1);
    expect(await sweep.expireAll(now)).toBe(0);
    const expired = await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0');
    expect(expired.body.items).toHaveLength(1);
    expect(expired.body.items[0]).toMatchObject({ envelope: null, erasedAt: T0 + 3 * DAY + 1 });
  });

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const { http, desk, keys } = await start();
    await publish(http, desk, form(keys.publicRaw));
    const bot = await submit(http, await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a')), { website: 'http://spam.example' });
    expect(bot.status).toBe(201);
    expect(bot.body.receiptCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect((await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0')).body.items).toEqual([]);
  });

  it('limits submissions per address and per site, and bodies by size', async () => {
    const { http, desk, keys } = await start({ publicRateLimit: { addressSubmissions: { burst: 2, perSecond: 0.001 }, siteSubmissions: { burst: 1000, perSecond: 1 } } });
    await publish(http, desk, form(keys.publicRaw));
    const envelope = await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a'));
    expect((await submit(http, envelope)).status).toBe(201);
    expect((await submit(http, envelope)).status).toBe(201);
    const third = await submit(http, envelope);
    expect(third.status).toBe(429);
    expect(third.body.error?.code).toBe('rate_limited');

    const big = await http({ method: 'POST', url: '/form/site_a/submissions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelope, pad: 'x'.repeat(130 * 1024) }) });
    expect(big.status).toBe(413);
    expect((big.body as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('limits submissions per site across addresses', async () => {
    const { http, desk, keys } = await start({ publicRateLimit: { siteSubmissions: { burst: 2, perSecond: 0.001 } } });
    await publish(http, desk, form(keys.publicRaw));
    const envelope = await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a'));
    const from = async (address: string): Promise<number> => (await app!.inject({ method: 'POST', url: '/form/site_a/submissions', remoteAddress: address, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ envelope }) })).statusCode;
    expect(await from('10.0.0.1')).toBe(201);
    expect(await from('10.0.0.2')).toBe(201);
    expect(await from('10.0.0.3')).toBe(429);
  });

  it('refuses submissions to an unknown site, a closed form, or a key the site no longer publishes', async () => {
    const { http, desk, keys } = await start();
    const envelope = await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a'));
    const unknown = await submit(http, envelope);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('unknown_site');
    expect((await http({ method: 'GET', url: '/form/site_a', headers: {} })).status).toBe(404);
    // A phone's browser that scanned an old poster is told so in a page, in both languages.
    const person = await app!.inject({ method: 'GET', url: '/form/site_a', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(person.statusCode).toBe(404);
    expect(person.headers['content-type']).toMatch(/^text\/html/);
    expect(person.body).toContain('此地址没有开放的在线登记');
    expect(person.body).toContain('There is no online registration at this address');

    await publish(http, desk, form(keys.publicRaw, { kid: 'sk2' }));
    const stale = await submit(http, envelope);
    expect(stale.status).toBe(400);
    expect(stale.body.error?.field).toBe('body.envelope.kid');

    await publish(http, desk, form(keys.publicRaw, { open: false }));
    const closed = await submit(http, envelope);
    expect(closed.status).toBe(403);
    expect(closed.body.error?.code).toBe('forbidden');
    const malformed = await submit(http, { ...envelope, iv: 'short' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.field).toBe('body.envelope.iv');
  });

  it('lets only signed, active desks of the site publish, pull and erase', async () => {
    const { http, keys } = await start();
    const unsigned = await http({ method: 'POST', url: '/v1/online/form', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form(keys.publicRaw)) });
    expect(unsigned.status).toBe(401);
    expect((await http({ method: 'GET', url: '/v1/online/pull?cursor=0', headers: {} })).status).toBe(401);
    const stranger = new TestDesk('site_a', 'dev_stranger0001', clock);
    const answer = await stranger.call<{ error: { code: string } }>(http, 'GET', '/v1/online/pull?cursor=0');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unknown_desk');
  });

  it('serves the page under a strict CSP with the config inlined, no cookies, and a poster with the QR code', async () => {
    const { http, desk, keys } = await start();
    await publish(http, desk, form(keys.publicRaw, { siteLabel: '南山 </script><b>' }));
    const page = await app!.inject({ method: 'GET', url: '/form/site_a' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.body).not.toMatch(/<script>|<script(?![^>]*(?:src=|type="application\/json"))/);
    expect(page.body).not.toContain('</script><b>');
    const inlined = /<script type="application\/json" id="form-config">(.*?)<\/script>/s.exec(page.body)?.[1] ?? '';
    expect(JSON.parse(inlined)).toMatchObject({ siteCode: 'site_a', siteLabel: '南山 </script><b>', publicRaw: keys.publicRaw });

    const poster = await app!.inject({ method: 'GET', url: '/form/site_a/poster' });
    expect(poster.statusCode).toBe(200);
    expect(poster.body).toContain('<svg');
    expect(poster.body).toContain('扫码在线登记');
    expect(poster.body).toContain('/form/site_a');
  });

  it('holds no submitted value in its storage or its logs', async () => {
    const { http, desk, keys } = await start();
    await publish(http, desk, form(keys.publicRaw));
    for (let i = 0; i < 3; i += 1) expect((await submit(http, await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a')))).status).toBe(201);
    await submit(http, await sealSubmission('sk1', keys.publicRaw, 'site_a', payload('site_a')), { website: VALUES.name });
    expect((await desk.call<Pulled>(http, 'GET', '/v1/online/pull?cursor=0')).body.items).toHaveLength(3);
    expect(logs.length).toBeGreaterThan(0);
    await app!.close();
    app = undefined;
    const dump = await opened!.closeAndDump();
    expect(dump.length).toBeGreaterThan(0);
    for (const value of Object.values(VALUES)) {
      for (const encoded of [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le'), Buffer.from(JSON.stringify(value).slice(1, -1), 'utf8')]) {
        expect(dump.includes(encoded), value).toBe(false);
      }
      expect(logs.join('\n')).not.toContain(value);
    }
    // The tables do hold what they should: the site code is in the dump.
    expect(dump.includes(Buffer.from('site_a'))).toBe(true);
  });
});
