/**
 * Online submissions received per second by the server on loopback (issue 15): phones POST sealed
 * envelopes to `/form/<site>/submissions` (schema check, form lookup, rate limiters, store with a fresh
 * receipt code and cursor, answer) from `CONCURRENCY` connections at once, beside a raw baseline: the
 * same envelopes stored straight through the server's store, no HTTP. Sealing is the phone's work and
 * is done before the clock starts. PostgreSQL when DATABASE_URL is set, otherwise PGlite.
 */
import { buildServer } from '../server/src/app';
import { migrate } from '../server/src/migrations';
import { OnlineStore } from '../server/src/online-store';
import { httpTransport, TestDesk } from '../server/src/test-support';
import { generateSubmissionKeyPair, sealSubmission, type SubmissionEnvelope } from '../shared/online/envelope';
import { openBench } from './server';

const CONCURRENCY = 16;

export async function benchOnlineSubmissions(count = 2_000): Promise<void> {
  const { db, label, done } = await openBench();
  try {
    await migrate(db);
    const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
    const app = await buildServer({ db, rateLimit: unlimited, publicRateLimit: { addressReads: unlimited, addressSubmissions: unlimited, siteSubmissions: unlimited } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    const base = `http://127.0.0.1:${address.port}`;
    const http = httpTransport(base);
    const desk = new TestDesk('site_bench', 'dev_bench_desk_1', Date.now);
    await desk.call(http, 'POST', '/v1/register', { organisationId: 'org_bench', siteId: 'site_bench', desk: desk.keys() });
    const other = new TestDesk('site_bench2', 'dev_bench_desk_2', Date.now);
    if ((await other.call(http, 'POST', '/v1/register', { organisationId: 'org_bench2', siteId: 'site_bench2', desk: other.keys() })).status !== 201) throw new Error('register refused');
    const keys = await generateSubmissionKeyPair();
    const form = {
      kid: 'bench',
      publicRaw: keys.publicRaw,
      siteLabel: 'bench',
      fields: [{ key: 'name', required: true }],
      consent: { version: 'v1', text: { 'zh-CN': '告知', en: 'notice' }, idNumberText: { 'zh-CN': '证件', en: 'id' } },
    };
    const published = await desk.call(http, 'POST', '/v1/online/form', form);
    if (published.status !== 200) throw new Error(`publish answered ${published.status}`);
    const plaintext = JSON.stringify({ v: 1, siteCode: 'site_bench', lang: 'zh-CN', fields: { name: '测试', mobile: '13800000000', idNumber: '11010519491231002X', remarks: 'x'.repeat(200) } });
    const envelopes: SubmissionEnvelope[] = [];
    for (let index = 0; index < count; index += 1) envelopes.push(await sealSubmission('bench', keys.publicRaw, 'site_bench', plaintext));
    const bodies = envelopes.map((envelope) => JSON.stringify({ envelope }));

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
          const response = await fetch(`${base}/form/site_bench/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          if (response.status !== 201) throw new Error(`submission answered ${response.status}`);
          await response.arrayBuffer();
        }
      }),
    );
    const httpSeconds = (performance.now() - started) / 1000;
    await app.close();

    // Raw baseline: the same envelopes through the same store (receipt code, cursor, insert), no HTTP, one at a time.
    const store = new OnlineStore(db);
    const rawStarted = performance.now();
    for (const envelope of envelopes) await store.submit('site_bench2', envelope, envelope.ct.length, Date.now());
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const rate = count / httpSeconds;
    const rawRate = count / rawSeconds;
    console.log(`\nOnline submissions received on loopback (${label}, ${count} sealed submissions, ${CONCURRENCY} phones at once)`);
    console.log(`  POST /form/<site>/submissions (check, rate limits, store, receipt): ${Math.round(rate).toLocaleString('en')} submissions/s`);
    console.log(`  the same envelopes stored directly (baseline, no HTTP):             ${Math.round(rawRate).toLocaleString('en')} submissions/s`);
    console.log(`  ratio ${(rate / rawRate).toFixed(2)}×`);
  } finally {
    await done();
  }
}
