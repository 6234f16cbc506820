/**
 * The sync server's HTTP surface (Fastify). Every request body, query and signed header is checked with
 * the shared contract's zod schemas, every response is checked before it is sent, and every refusal is a
 * 4xx with a code from the contract. Errors and logs never carry a request value (no personal data can
 * reach them: payloads are sealed, and messages name fields, never their contents).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  approveRequestSchema,
  approveResponseSchema,
  canonicalRequest,
  createSiteRequestSchema,
  createSiteResponseSchema,
  digestResponseSchema,
  enrolRequestSchema,
  enrolResponseSchema,
  errorResponseSchema,
  getKeysResponseSchema,
  healthResponseSchema,
  listDesksResponseSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  putBlobRequestSchema,
  putBlobResponseSchema,
  getBlobQuerySchema,
  getBlobResponseSchema,
  putKeysRequestSchema,
  putKeysResponseSchema,
  registerRequestSchema,
  registerResponseSchema,
  revokeRequestSchema,
  revokeResponseSchema,
  SIGNATURE_WINDOW_MS,
  SIGNED_HEADERS,
  SYNC_API_VERSION,
  SYNC_LIMITS,
  deskIdSchema,
  siteIdSchema,
  type Desk,
  type SyncErrorCode,
  type WireOp,
} from '../../shared/api/sync-contract';
import { opHash, publicKeyFromRaw, sha256Hex, verifyManifestAsync, verifyOpAsync, verifySignature } from '../../electron/core/sync/wire-signing';
import type { Database } from './db';
import { DuplicateError, Store } from './store';
import { registerOnlineRoutes, type OnlineOptions } from './online-routes';
import packageJson from '../../package.json';

export const SERVER_VERSION: string = packageJson.version;

export interface ServerOptions extends OnlineOptions {
  db: Database;
  /** The clock (tests inject one). */
  now?: () => number;
  /** When set, `POST /v1/register` requires this token. */
  registrationToken?: string;
  /** Per-desk token bucket: burst size and refill per second, counted in the database (shared by every replica). */
  rateLimit?: { burst: number; perSecond: number };
  /** One line per request (method, route pattern, status, duration): never a value from the request. */
  log?: (line: string) => void;
  /** TLS terminated by this server (PEM). Without it, terminate TLS at a reverse proxy (docs/operations.md). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Trust X-Forwarded-* from a load balancer in front. */
  trustProxy?: boolean;
}

/** A refusal: HTTP status, contract code, English message naming (never quoting) the problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: SyncErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface Caller {
  siteId: string;
  desk: Desk;
  organisationId: string;
}

const signedHeadersSchema = z.object({
  [SIGNED_HEADERS.site]: siteIdSchema,
  [SIGNED_HEADERS.desk]: deskIdSchema,
  [SIGNED_HEADERS.timestamp]: z.string().regex(/^\d{1,16}$/),
  [SIGNED_HEADERS.nonce]: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  [SIGNED_HEADERS.signature]: z.string().length(88).regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

function firstIssue(error: z.ZodError, prefix: string): ApiError {
  const issue = error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  // The message is zod's description of the rule broken, which never quotes the value received.
  const rule = issue ? `${issue.code}${'expected' in issue && typeof issue.expected === 'string' ? ` (expected ${issue.expected})` : ''}` : 'invalid';
  return new ApiError(400, 'bad_request', `${field || 'request'} is invalid: ${rule}`, field || undefined);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw firstIssue(result.error, prefix);
  return result.data;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const store = new Store(options.db);
  const rateLimit = options.rateLimit ?? { burst: 300, perSecond: 100 };
  const keyCache = new Map<string, KeyObject>();
  const keyOf = (raw: string): KeyObject => {
    let key = keyCache.get(raw);
    if (!key) {
      key = publicKeyFromRaw(raw);
      if (keyCache.size > 10_000) keyCache.clear();
      keyCache.set(raw, key);
    }
    return key;
  };

  const app = Fastify({
    logger: false,
    bodyLimit: SYNC_LIMITS.bodyBytes,
    trustProxy: options.trustProxy ?? false,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    return503OnClosing: false,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' as const } } : {}),
    frameworkErrors: (error: { code?: string }, _request: unknown, reply: FastifyReply) => {
      void reply.code(400).send({ error: { code: 'bad_request', message: `malformed request (${error.code ?? 'unknown'})` } });
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  // Bodies arrive as raw bytes: the signature covers them exactly, and JSON is parsed after.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  let requests = 0;
  app.addHook('onRequest', async (_request, reply) => {
    void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (options.tls) void reply.header('strict-transport-security', 'max-age=31536000');
    requests += 1;
    if (requests % 1000 === 0) {
      void store.forgetNoncesBefore(now() - 2 * SIGNATURE_WINDOW_MS).catch(() => undefined);
      // Idle longer than it takes to fill up again (and at least the signature window): full, so forgotten.
      void store.forgetIdleBucketsBefore(now() - Math.max(2 * SIGNATURE_WINDOW_MS, (1000 * rateLimit.burst) / rateLimit.perSecond)).catch(() => undefined);
    }
  });
  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', async (request, reply) => {
      log(`${request.method} ${request.routeOptions.url ?? '(no route)'} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
    });
  }

  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ error: { code: 'not_found', message: 'no such endpoint' } });
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof ApiError) {
      const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      return reply.code(error.status).send(errorResponseSchema.parse(body));
    }
    const fastifyCode = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
    const status = typeof error === 'object' && error !== null && 'statusCode' in error ? Number((error as { statusCode: unknown }).statusCode) : 500;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: { code: 'body_too_large', message: `body over ${request.routeOptions.bodyLimit ?? SYNC_LIMITS.bodyBytes} bytes` } });
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'send application/json' } });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'bad_request', message: `malformed request (${fastifyCode || status})` } });
    // Never echo the error: it could quote a value. Say only that it happened.
    options.log?.(`internal error ${fastifyCode || (error instanceof Error ? error.name : 'unknown')}`);
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });

  function bodyOf(request: FastifyRequest): { raw: Buffer; json: unknown } {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (request.method === 'GET') return { raw, json: undefined };
    if (raw.length === 0) throw new ApiError(400, 'bad_request', 'body is empty', 'body');
    try {
      return { raw, json: JSON.parse(raw.toString('utf8')) as unknown };
    } catch {
      throw new ApiError(400, 'bad_request', 'body is not JSON', 'body');
    }
  }

  /** Checks the signature headers; `selfKey` is the key to check against for self-signed routes. */
  async function authenticate(request: FastifyRequest, raw: Buffer, selfKey?: string): Promise<{ siteId: string; deskId: string }> {
    const headers = signedHeadersSchema.safeParse(request.headers);
    if (!headers.success) {
      const field = String(headers.error.issues[0]?.path[0] ?? 'headers');
      throw new ApiError(401, 'unauthenticated', `signature header ${field} missing or malformed`, field);
    }
    const h = headers.data;
    const siteId = h[SIGNED_HEADERS.site];
    const deskId = h[SIGNED_HEADERS.desk];
    const timestamp = h[SIGNED_HEADERS.timestamp];
    const nonce = h[SIGNED_HEADERS.nonce];
    if (Math.abs(now() - Number(timestamp)) > SIGNATURE_WINDOW_MS) throw new ApiError(401, 'clock_skew', 'request timestamp is outside the allowed window', SIGNED_HEADERS.timestamp);
    let signKey = selfKey;
    if (signKey === undefined) {
      const desk = await store.desk(siteId, deskId);
      if (!desk) throw new ApiError(401, 'unknown_desk', 'this desk is not enrolled at this site', SIGNED_HEADERS.desk);
      signKey = desk.signPublicKey;
    }
    const text = canonicalRequest({ method: request.method, path: request.url, bodySha256Hex: sha256Hex(raw), siteId, deskId, timestamp, nonce });
    if (!verifySignature(keyOf(signKey), text, h[SIGNED_HEADERS.signature])) throw new ApiError(401, 'bad_signature', 'request signature does not verify', SIGNED_HEADERS.signature);
    if (!(await store.useNonce(siteId, deskId, nonce, now()))) throw new ApiError(401, 'replayed', 'request nonce was already used', SIGNED_HEADERS.nonce);
    if (!(await store.takeToken(siteId, deskId, rateLimit, now()))) throw new ApiError(429, 'rate_limited', 'too many requests from this desk; retry later');
    return { siteId, deskId };
  }

  /** A signed request from an enrolled desk; pending desks only where `allowPending`. */
  async function caller(request: FastifyRequest, raw: Buffer, allowPending = false): Promise<Caller> {
    const { siteId, deskId } = await authenticate(request, raw);
    const desk = await store.desk(siteId, deskId);
    const site = await store.site(siteId);
    if (!desk || !site) throw new ApiError(401, 'unknown_desk', 'this desk is not enrolled at this site');
    if (desk.state === 'revoked') throw new ApiError(403, 'desk_revoked', 'this desk has been revoked');
    if (desk.state === 'pending' && !allowPending) throw new ApiError(403, 'desk_pending', 'this desk is not yet approved');
    return { siteId, desk, organisationId: site.organisationId };
  }

  function send<T>(reply: FastifyReply, schema: z.ZodType<T>, value: T, status = 200): FastifyReply {
    return reply.code(status).type('application/json').send(schema.parse(value));
  }

  app.get('/health', async (_request, reply) => send(reply, healthResponseSchema, { status: 'ok', version: SERVER_VERSION, api: SYNC_API_VERSION, time: now() }));

  app.post('/v1/register', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(registerRequestSchema, json, 'body');
    if (options.registrationToken !== undefined && body.registrationToken !== options.registrationToken) {
      throw new ApiError(403, 'forbidden', 'registration token is missing or wrong', 'registrationToken');
    }
    const who = await authenticate(request, raw, body.desk.signPublicKey);
    if (who.siteId !== body.siteId || who.deskId !== body.desk.deskId) throw new ApiError(400, 'bad_request', 'signature headers must name the site and desk registered', SIGNED_HEADERS.site);
    try {
      const result = await store.register({
        organisationId: body.organisationId,
        organisationLabel: body.organisationLabel ?? null,
        siteId: body.siteId,
        siteLabel: body.siteLabel ?? null,
        desk: body.desk,
        now: now(),
      });
      return send(reply, registerResponseSchema, result, 201);
    } catch (error) {
      if (error instanceof DuplicateError) throw new ApiError(409, 'already_exists', 'the organisation or site is already registered', 'siteId');
      throw error;
    }
  });

  app.post('/v1/sites', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(createSiteRequestSchema, json, 'body');
    const who = await caller(request, raw);
    try {
      const site = await store.createSite({ organisationId: who.organisationId, siteId: body.siteId, label: body.label ?? null, now: now() });
      return send(reply, createSiteResponseSchema, { site }, 201);
    } catch (error) {
      if (error instanceof DuplicateError) throw new ApiError(409, 'already_exists', 'the site is already registered', 'siteId');
      throw error;
    }
  });

  app.post('/v1/desks/enrol', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(enrolRequestSchema, json, 'body');
    const who = await authenticate(request, raw, body.desk.signPublicKey);
    if (who.siteId !== body.siteId || who.deskId !== body.desk.deskId) throw new ApiError(400, 'bad_request', 'signature headers must name the site and desk enrolled', SIGNED_HEADERS.site);
    if (!(await store.site(body.siteId))) throw new ApiError(404, 'unknown_site', 'no such site', 'siteId');
    const existing = await store.desk(body.siteId, body.desk.deskId);
    if (existing) {
      if (existing.state === 'revoked') throw new ApiError(403, 'desk_revoked', 'this desk has been revoked');
      if (existing.signPublicKey !== body.desk.signPublicKey || existing.boxPublicKey !== body.desk.boxPublicKey) {
        throw new ApiError(409, 'already_exists', 'a desk with this id is enrolled with other keys', 'desk.deskId');
      }
      return send(reply, enrolResponseSchema, { desk: existing });
    }
    try {
      return send(reply, enrolResponseSchema, { desk: await store.enrol(body.siteId, body.desk, now()) }, 201);
    } catch (error) {
      if (error instanceof DuplicateError) throw new ApiError(409, 'already_exists', 'a desk with this id is enrolled', 'desk.deskId');
      throw error;
    }
  });

  app.get('/v1/desks', async (request, reply) => {
    const { raw } = bodyOf(request);
    const who = await caller(request, raw, true);
    return send(reply, listDesksResponseSchema, { desks: await store.desks(who.siteId) });
  });

  async function checkRecipients(siteId: string, keys: readonly { recipientDeskId: string; wrappedBy: string }[], wrapper: string, allowPendingRecipient: string | undefined): Promise<void> {
    for (const [index, key] of keys.entries()) {
      if (key.wrappedBy !== wrapper) throw new ApiError(400, 'bad_request', 'wrappedBy must be the signing desk', `body.keys.${index}.wrappedBy`);
      const recipient = await store.desk(siteId, key.recipientDeskId);
      if (!recipient || recipient.state === 'revoked' || (recipient.state === 'pending' && recipient.deskId !== allowPendingRecipient)) {
        throw new ApiError(400, 'unknown_desk', 'recipient is not an active desk of this site', `body.keys.${index}.recipientDeskId`);
      }
    }
  }

  async function deskOrGone(siteId: string, deskId: string): Promise<Desk> {
    const desk = await store.desk(siteId, deskId);
    if (!desk) throw new ApiError(404, 'unknown_desk', 'no such desk at this site', 'body.deskId');
    return desk;
  }

  app.post('/v1/desks/approve', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(approveRequestSchema, json, 'body');
    const who = await caller(request, raw);
    const target = await store.desk(who.siteId, body.deskId);
    if (!target) throw new ApiError(404, 'unknown_desk', 'no such desk at this site', 'body.deskId');
    if (target.state === 'revoked') throw new ApiError(403, 'desk_revoked', 'that desk has been revoked', 'body.deskId');
    for (const [index, key] of body.keys.entries()) {
      if (key.recipientDeskId !== body.deskId) throw new ApiError(400, 'bad_request', 'every key must be wrapped for the desk approved', `body.keys.${index}.recipientDeskId`);
    }
    await checkRecipients(who.siteId, body.keys, who.desk.deskId, body.deskId);
    await store.putKeys(who.siteId, body.keys, now(), body.deskId);
    return send(reply, approveResponseSchema, { desk: await deskOrGone(who.siteId, body.deskId) });
  });

  app.post('/v1/desks/revoke', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(revokeRequestSchema, json, 'body');
    const who = await caller(request, raw);
    if (!(await store.desk(who.siteId, body.deskId))) throw new ApiError(404, 'unknown_desk', 'no such desk at this site', 'body.deskId');
    await store.revoke(who.siteId, body.deskId, now());
    return send(reply, revokeResponseSchema, { desk: await deskOrGone(who.siteId, body.deskId) });
  });

  app.post('/v1/keyring', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(putKeysRequestSchema, json, 'body');
    const who = await caller(request, raw);
    await checkRecipients(who.siteId, body.keys, who.desk.deskId, undefined);
    return send(reply, putKeysResponseSchema, { stored: await store.putKeys(who.siteId, body.keys, now()) });
  });

  app.get('/v1/keyring', async (request, reply) => {
    const { raw } = bodyOf(request);
    const who = await caller(request, raw, true);
    return send(reply, getKeysResponseSchema, { keys: await store.keysFor(who.siteId, who.desk.deskId) });
  });

  app.post('/v1/ops/push', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(pushRequestSchema, json, 'body');
    const who = await caller(request, raw);
    const key = keyOf(who.desk.signPublicKey);
    const rejected: { opId: string; seq: number; code: SyncErrorCode; message: string }[] = [];
    const good: WireOp[] = [];
    // Batch signatures (decision 0022): each manifest of this desk is verified once; an op it signs
    // must hash to one of its lines. Ops signed one by one are verified one by one, as before.
    const manifests = new Map((body.manifests ?? []).map((manifest) => [manifest.manifestId, manifest]));
    const vouched = new Map<string, Set<string> | null>();
    await Promise.all(
      [...manifests.values()].map(async (manifest) => {
        vouched.set(manifest.manifestId, manifest.siteId === who.siteId && manifest.deviceId === who.desk.deskId ? await verifyManifestAsync(key, manifest) : null);
      }),
    );
    const mine = (op: WireOp): boolean => op.siteId === who.siteId && op.deviceId === who.desk.deskId;
    const verified = await Promise.all(
      body.ops.map((op) => {
        if (!mine(op)) return Promise.resolve(false);
        if (op.manifestId !== undefined) return Promise.resolve(vouched.get(op.manifestId)?.has(opHash(op)) === true);
        return verifyOpAsync(key, op);
      }),
    );
    body.ops.forEach((op, index) => {
      if (op.siteId !== who.siteId) rejected.push({ opId: op.opId, seq: op.seq, code: 'op_rejected', message: 'op belongs to another site' });
      else if (op.deviceId !== who.desk.deskId) rejected.push({ opId: op.opId, seq: op.seq, code: 'op_rejected', message: 'op was written by another desk' });
      else if (!verified[index]) rejected.push({ opId: op.opId, seq: op.seq, code: 'op_rejected', message: 'op signature does not verify' });
      else good.push(op);
    });
    const outcome = await store.push(who.siteId, who.desk.deskId, good, now(), [...manifests.values()]);
    for (const op of outcome.conflicts) rejected.push({ opId: op.opId, seq: op.seq, code: 'op_rejected', message: 'a different op is held at this device and sequence' });
    return send(reply, pushResponseSchema, {
      stored: outcome.stored,
      duplicates: outcome.duplicates,
      acked: [{ deviceId: who.desk.deskId, highestContiguousSeq: outcome.highestContiguousSeq }],
      rejected,
    });
  });

  app.get('/v1/ops/pull', async (request, reply) => {
    const { raw } = bodyOf(request);
    const query = parse(pullQuerySchema, request.query, 'query');
    const who = await caller(request, raw);
    const after = Number(query.cursor);
    if (!Number.isSafeInteger(after)) throw new ApiError(400, 'bad_request', 'cursor is out of range', 'query.cursor');
    const { ops, manifests, more } = await store.pull(who.siteId, after, query.limit);
    const nextCursor = ops.at(-1)?.cursor ?? query.cursor;
    return send(reply, pullResponseSchema, { ops, nextCursor, more, ...(manifests.length > 0 ? { manifests } : {}) });
  });

  app.get('/v1/ops/digest', async (request, reply) => {
    const { raw } = bodyOf(request);
    const who = await caller(request, raw);
    const digest = await store.digest(who.siteId);
    return send(reply, digestResponseSchema, { devices: digest.devices, cursor: String(digest.cursor) });
  });

  // ---- attachment blobs (issue 13: scans travel with sync, sealed under the site's data key) ----

  app.post('/v1/blobs', async (request, reply) => {
    const { raw, json } = bodyOf(request);
    const body = parse(putBlobRequestSchema, json, 'body');
    const who = await caller(request, raw);
    const data = Buffer.from(body.data, 'base64');
    const outcome = await store.putBlobChunk(who.siteId, { blobId: body.blobId, index: body.index, count: body.count, data, deskId: who.desk.deskId }, now());
    if (!outcome) throw new ApiError(409, 'already_exists', 'a different piece (or piece count) is held for this blob', 'body.index');
    return send(reply, putBlobResponseSchema, outcome);
  });

  app.get('/v1/blobs', async (request, reply) => {
    const { raw } = bodyOf(request);
    const query = parse(getBlobQuerySchema, request.query, 'query');
    const who = await caller(request, raw);
    const chunk = await store.blobChunk(who.siteId, query.blobId, query.index);
    if (!chunk) throw new ApiError(404, 'blob_missing', 'no such blob piece at this site', 'query.blobId');
    return send(reply, getBlobResponseSchema, { count: chunk.count, data: chunk.data.toString('base64') });
  });
  registerOnlineRoutes(app, { db: options.db, now, caller: (request, raw) => caller(request, raw), bodyOf, parse, send, fail: (status, code, message, field) => new ApiError(status, code, message, field) }, options);

  return app;
}
