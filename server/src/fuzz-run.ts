/**
 * Throws malformed, mis-signed, replayed, oversized and random requests at an in-process server and
 * checks every answer: a 4xx whose body carries a contract error code. Anything else (a 2xx, a 5xx, a
 * body without a code, a thrown error) counts as a crash.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { errorResponseSchema, SIGNED_HEADERS, SYNC_ENDPOINTS, SYNC_LIMITS } from '../../shared/api/sync-contract';
import { rawPublicKey, signRequestHeaders } from '../../electron/core/sync/wire-signing';
import { ONLINE_ENDPOINTS } from '../../shared/api/online-contract';
import { generateSubmissionKeyPair } from '../../shared/online/envelope';
import { buildServer } from './app';
import type { Database } from './db';

const FIXED_NONCE = 'fixed-nonce-0000000000';

export interface FuzzResult {
  requests: number;
  crashes: number;
  statuses: Record<string, number>;
  /** Up to 5 examples of crashes: method, path, status (never a body). */
  examples: string[];
}

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runFuzz(args: { db: Database; requests: number; seed: number; now?: number }): Promise<FuzzResult> {
  const clock = args.now ?? 1_800_000_000_000;
  const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
  const app = await buildServer({ db: args.db, now: () => clock, rateLimit: unlimited, publicRateLimit: { addressReads: unlimited, addressSubmissions: unlimited, siteSubmissions: unlimited } });
  const random = rng(args.seed);
  const pick = <T>(items: readonly [T, ...T[]] | readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number): number => Math.floor(random() * max);

  // One real organisation, site and desk, so signed requests reach the checks behind authentication.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const box = generateKeyPairSync('x25519').publicKey;
  const siteId = 'site_fuzz';
  const deskId = 'dev_fuzz0000000001';
  const register = JSON.stringify({ organisationId: 'org_fuzz', siteId, desk: { deskId, signPublicKey: rawPublicKey(publicKey), boxPublicKey: rawPublicKey(box) } });
  const headers0 = signRequestHeaders({ privateKey, method: 'POST', path: '/v1/register', body: register, siteId, deskId, now: clock });
  const registered = await app.inject({ method: 'POST', url: '/v1/register', payload: register, headers: { ...headers0, 'content-type': 'application/json' } });
  if (registered.statusCode !== 201) throw new Error(`fuzz setup: register answered ${registered.statusCode}`);
  const strangerKey: KeyObject = generateKeyPairSync('ed25519').privateKey;

  // The fixed nonce some requests reuse is spent here, so every reuse is a replay.
  const spent = signRequestHeaders({ privateKey, method: 'GET', path: '/v1/desks', body: '', siteId, deskId, now: clock, nonce: FIXED_NONCE });
  if ((await app.inject({ method: 'GET', url: '/v1/desks', headers: spent })).statusCode !== 200) throw new Error('fuzz setup: signed request refused');

  // The site publishes its online form, so submissions reach the checks behind the form lookup.
  const submissionKey = await generateSubmissionKeyPair();
  const publish = JSON.stringify({
    kid: 'fuzz1',
    publicRaw: submissionKey.publicRaw,
    siteLabel: 'fuzz',
    fields: [{ key: 'name', required: true }],
    consent: { version: 'v1', text: { 'zh-CN': '告知', en: 'notice' }, idNumberText: { 'zh-CN': '证件', en: 'id' } },
  });
  const headers1 = signRequestHeaders({ privateKey, method: 'POST', path: ONLINE_ENDPOINTS.publish, body: publish, siteId, deskId, now: clock });
  const published = await app.inject({ method: 'POST', url: ONLINE_ENDPOINTS.publish, payload: publish, headers: { ...headers1, 'content-type': 'application/json' } });
  if (published.statusCode !== 200) throw new Error(`fuzz setup: publish answered ${published.statusCode}`);

  // Every endpoint but the unsigned health check (which rightly answers 200 to anyone), and the desks' online endpoints.
  const endpoints: { method: string; path: string }[] = [
    ...Object.values(SYNC_ENDPOINTS).filter((endpoint) => endpoint.signed !== false),
    { method: 'POST', path: ONLINE_ENDPOINTS.publish },
    { method: 'GET', path: ONLINE_ENDPOINTS.pull },
    { method: 'POST', path: ONLINE_ENDPOINTS.erase },
  ];
  // The public side: submissions to the real site (with broken bodies), and the page, its config, poster and assets
  // for sites without a form or with malformed codes (the real site's page rightly answers 200).
  const publicPaths = [
    `/form/${siteId}/submissions`,
    `/form/${siteId}/submissions`,
    `/form/${siteId}/submissions`,
    '/form/site_none/submissions',
    '/form/site_none',
    '/form/site_none/config',
    '/form/site_none/poster',
    '/form/bad%20code/config',
    '/form/%E4%BD%A0/poster',
    `/form/${'s'.repeat(80)}`,
    '/form/',
    '/form/%00',
    `/form/${siteId}/submissions/extra`,
    '/form-assets/none.js',
    '/form-assets/..%2F..%2Fpackage.json',
    '/form-assets/',
  ];
  /** An envelope with one field broken (values no envelope field accepts). */
  const almostEnvelope = (): Record<string, unknown> => {
    const envelope: Record<string, unknown> = { v: 1, kid: 'fuzz1', epk: 'B'.repeat(87), iv: 'A'.repeat(16), ct: 'C'.repeat(40) };
    envelope[pick(Object.keys(envelope))] = pick([...BROKEN, 2, 'x', 'A'.repeat(100_000)]);
    return envelope;
  };
  const junkPaths = ['/', '/v1', '/v1/ops', '/v1/ops/push/extra', '/health/..', '/%', '/v1/desks/%ZZ', '/v2/ops/pull', '/v1/ops/pull?cursor=abc', '/v1/ops/pull?cursor=1&cursor=2', '/v1/ops/pull?limit=0', '/v1/ops/pull?limit=99999', '/v1/ops/pull?cursor=99999999999999999999', '/' + 'a'.repeat(3000)];
  const scalars: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 60), '', 'x', '0', '\u0000', '你好', 'A'.repeat(100), [], {}, '__proto__', 'constructor'];
  const randomValue = (depth: number): unknown => {
    const roll = random();
    if (depth > 3 || roll < 0.5) return pick(scalars);
    if (roll < 0.75) return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    const object: Record<string, unknown> = {};
    const keys = ['ops', 'manifests', 'manifestId', 'opHashes', 'desk', 'deskId', 'siteId', 'organisationId', 'keys', 'seq', 'opId', 'cursor', 'signPublicKey', 'boxPublicKey', '__proto__', 'constructor', 'x'];
    for (let i = 0; i < int(5); i += 1) object[pick(keys)] = randomValue(depth + 1);
    return object;
  };
  /** Values that no field of any request accepts (labels refuse control characters, ids refuse spaces). */
  const BROKEN: unknown[] = [{}, [], null, true, -1.5, 'ski\u0000hall', 'a\u001fb c'];
  const almostOp = (): Record<string, unknown> => {
    const op: Record<string, unknown> = {
      opId: 'op_' + 'a'.repeat(12),
      siteId,
      deviceId: deskId,
      seq: 1 + int(10),
      hlc: '001800000000000-00000-dev_fuzz0000000001',
      entity: 'customer',
      entityId: 'cus_' + 'b'.repeat(12),
      schemaVersion: 1,
      keyVersion: 1,
      payloadBytes: 10,
      nonce: Buffer.alloc(12).toString('base64'),
      ciphertext: Buffer.from('not really sealed').toString('base64'),
      signature: Buffer.alloc(64).toString('base64'),
    };
    // Break one field with a value no field accepts.
    op[pick(Object.keys(op))] = pick(BROKEN);
    return op;
  };

  /** A push's manifest (decision 0022) with one field broken. */
  const almostManifest = (): Record<string, unknown> => {
    const manifest: Record<string, unknown> = {
      manifestId: 'a'.repeat(64),
      siteId,
      deviceId: deskId,
      opHashes: Array.from({ length: 1 + int(3) }, () => Buffer.alloc(32, int(256)).toString('base64')),
      signature: Buffer.alloc(64).toString('base64'),
    };
    manifest[pick(Object.keys(manifest))] = pick([...BROKEN, Array.from({ length: 2001 }, () => 'A'.repeat(44))]);
    return manifest;
  };

  /** A registration or enrolment of a fresh desk with one field broken (labels get control characters too). */
  const almostRegistration = (): Record<string, unknown> => {
    const keys: Record<string, unknown> = { deskId: `dev_fuzz_${int(1e9)}`, signPublicKey: rawPublicKey(publicKey), boxPublicKey: rawPublicKey(box), label: 'desk' };
    const body: Record<string, unknown> = { organisationId: `org_${int(1e9)}`, siteId, siteLabel: 'site', organisationLabel: 'org', desk: keys };
    const target = random() < 0.5 ? body : keys;
    target[pick(Object.keys(target))] = pick(BROKEN);
    return body;
  };

  const result: FuzzResult = { requests: 0, crashes: 0, statuses: {}, examples: [] };
  for (let i = 0; i < args.requests; i += 1) {
    const kind = int(12);
    let method: string = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
    let url = random() < 0.8 ? pick(endpoints).path : pick(junkPaths);
    let body: string | Buffer | undefined;
    const headers: Record<string, string> = {};
    if (kind <= 2) {
      body = JSON.stringify(randomValue(0));
    } else if (kind === 3) {
      body = Buffer.from(Array.from({ length: int(200) }, () => int(256)));
    } else if (kind === 4) {
      body = random() < 0.5 ? '{"ops":[' + '1,'.repeat(int(10)) : 'x'.repeat(SYNC_LIMITS.bodyBytes + 1 + int(100));
    } else if (kind <= 7) {
      // Signed by the real desk (or a stranger), then something broken: the body shape, the signature, the clock or the nonce.
      const endpoint = pick(endpoints);
      method = endpoint.method;
      url = endpoint.path;
      const roll = random();
      const manifests = random() < 0.5 ? { manifests: Array.from({ length: 1 + int(2) }, almostManifest) } : {};
      const shape = roll < 0.4 ? { ops: Array.from({ length: 1 + int(3) }, () => ({ ...almostOp(), ...(random() < 0.5 ? { manifestId: 'a'.repeat(64) } : {}) })), ...manifests } : roll < 0.6 ? almostRegistration() : randomValue(0);
      body = method === 'GET' ? undefined : JSON.stringify(shape);
      // A random shape may by chance be valid (e.g. {"siteId":"x"}): then a signature fault is always added.
      const fault = roll < 0.6 ? int(6) : int(5);
      const signer = fault === 0 ? strangerKey : privateKey;
      const at = fault === 1 ? clock - 10 * 60_000 : clock;
      const signed = signRequestHeaders({ privateKey: signer, method, path: url, body: body ?? '', siteId, deskId, now: at, ...(fault === 2 ? { nonce: FIXED_NONCE } : {}) });
      if (fault === 3) signed[SIGNED_HEADERS.signature] = Buffer.alloc(64, 7).toString('base64');
      if (fault === 4) {
        const drop = pick(Object.values(SIGNED_HEADERS));
        Object.keys(signed).forEach((name) => name === drop && Reflect.deleteProperty(signed, name));
      }
      if (fault === 5 && method === 'GET') signed[SIGNED_HEADERS.timestamp] = String(clock + 3_600_000);
      Object.assign(headers, signed);
    } else if (kind >= 10) {
      url = pick(publicPaths);
      method = random() < 0.7 ? (url.endsWith('/submissions') ? 'POST' : 'GET') : method;
      const roll = random();
      const website = random() < 0.2 ? { website: pick(['', 'http://spam.example', 'x']) } : {};
      body = roll < 0.5 ? JSON.stringify({ envelope: almostEnvelope(), ...website }) : roll < 0.8 ? JSON.stringify(randomValue(0)) : roll < 0.9 ? 'x'.repeat(128 * 1024 + int(100)) : undefined;
    } else {
      for (const name of Object.values(SIGNED_HEADERS)) if (random() < 0.6) headers[name] = String(pick(scalars));
      body = random() < 0.5 ? JSON.stringify(randomValue(0)) : undefined;
    }
    if (body !== undefined) headers['content-type'] = pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']);
    result.requests += 1;
    let status = 0;
    let ok = false;
    try {
      const response = await app.inject({ method: method as 'GET', url, headers, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload: body } : {}) });
      status = response.statusCode;
      if (status >= 400 && status < 500) {
        if (method === 'HEAD') ok = true;
        else {
          try {
            ok = errorResponseSchema.safeParse(JSON.parse(response.body)).success;
          } catch {
            ok = false;
          }
        }
      }
    } catch {
      ok = false;
    }
    result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
    if (!ok) {
      result.crashes += 1;
      if (result.examples.length < 5) result.examples.push(`${method} ${url.slice(0, 60)} → ${status}`);
    }
  }
  await app.close();
  return result;
}
