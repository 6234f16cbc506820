/**
 * Online submissions on the server (issue 15; docs/decisions/0014-online-submissions.md).
 *
 * Public, unsigned, rate limited per address and per site:
 *   GET  /form/:siteCode               the customer's page (HTML shell; the form's config inlined)
 *   GET  /form/:siteCode/config        the form the page renders
 *   POST /form/:siteCode/submissions   a sealed submission → a receipt code
 *   GET  /form/:siteCode/poster        a printable poster with the page's QR code
 *   GET  /form-assets/:file            the page's script and stylesheet
 * Signed by an active desk of the site:
 *   POST /v1/online/form               publish (or close) the site's form
 *   GET  /v1/online/pull               sealed submissions and tombstones, by cursor
 *   POST /v1/online/erase              erase processed submissions, keeping tombstones
 *
 * The server never sees a submitted value: it stores the envelope as it came, with the site, a receipt
 * code, the receipt time and the size. Nothing about a submission is logged beyond the route pattern.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { z } from 'zod';
import {
  formConfigResponseSchema,
  ONLINE_ENDPOINTS,
  ONLINE_LIMITS,
  onlineEraseRequestSchema,
  onlineEraseResponseSchema,
  onlinePullQuerySchema,
  onlinePullResponseSchema,
  publishFormRequestSchema,
  publishFormResponseSchema,
  siteCodeSchema,
  submitRequestSchema,
  submitResponseSchema,
  type FormConfig,
} from '../../shared/api/online-contract';
import type { Desk } from '../../shared/api/sync-contract';
import zh from '../../renderer/src/i18n/zh-CN.json';
import en from '../../renderer/src/i18n/en.json';
import { newReceiptCode, OnlineStore, type StoredForm } from './online-store';
import { RateLimiter } from './rate-limit';
import type { Database } from './db';

type Limits = { burst: number; perSecond: number };

export interface OnlineOptions {
  /** Folder holding the page's built `page.js` and `page.css` (scripts/build.mjs → dist/online-page). */
  pageDir?: string;
  /** The address customers reach the server at (e.g. https://reg.example.com); else taken from the request. */
  publicUrl?: string;
  /** Token buckets for the public endpoints: per address (every public request, and submissions) and per site (submissions). */
  publicRateLimit?: { addressReads?: Limits; addressSubmissions?: Limits; siteSubmissions?: Limits };
  /** How often the retention sweep erases expired submissions of every site (ms); off when 0 or unset. */
  retentionSweepMs?: number;
}

export interface OnlineContext {
  db: Database;
  now: () => number;
  caller(request: FastifyRequest, raw: Buffer): Promise<{ siteId: string; desk: Desk }>;
  bodyOf(request: FastifyRequest): { raw: Buffer; json: unknown };
  parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T;
  send<T>(reply: FastifyReply, schema: z.ZodType<T>, value: T, status?: number): FastifyReply;
  fail(status: number, code: 'bad_request' | 'unknown_site' | 'forbidden' | 'rate_limited' | 'not_found', message: string, field?: string): Error;
}

/** The strict policy of the page: its own script and stylesheet, nothing inline, nothing third-party. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** How long a replica answers from its copy of a site's form (a publish on this replica clears it at once). */
const FORM_CACHE_MS = 5_000;

const DEFAULT_LIMITS = {
  addressReads: { burst: 120, perSecond: 2 },
  // Resort Wi-Fi puts a whole queue behind one address: generous per address, bounded per site.
  addressSubmissions: { burst: 20, perSecond: 0.2 },
  siteSubmissions: { burst: 300, perSecond: 10 },
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
/** JSON safe inside a `<script type="application/json">` data block. */
const inlineJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [file, type] of [
    ['page.js', 'text/javascript; charset=utf-8'],
    ['page.css', 'text/css; charset=utf-8'],
  ] as const) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) continue;
    const body = fs.readFileSync(full);
    assets.set(file, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return assets;
}

export function registerOnlineRoutes(app: FastifyInstance, context: OnlineContext, options: OnlineOptions): void {
  const { now, parse, send, fail } = context;
  const store = new OnlineStore(context.db);
  const limits = { ...DEFAULT_LIMITS, ...options.publicRateLimit };
  const reads = new RateLimiter(limits.addressReads, now);
  const submissionsByAddress = new RateLimiter(limits.addressSubmissions, now);
  const submissionsBySite = new RateLimiter(limits.siteSubmissions, now);
  const assets = loadAssets(options.pageDir ?? path.resolve('dist/online-page'));
  const assetUrl = (file: string): string => `/form-assets/${file}?v=${assets.get(file)?.hash ?? '0'}`;
  const baseUrl = (request: FastifyRequest): string => (options.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  const pageUrl = (request: FastifyRequest, siteCode: string): string => `${baseUrl(request)}/form/${encodeURIComponent(siteCode)}`;

  function throttleReads(request: FastifyRequest): void {
    if (!reads.take(request.ip)) throw fail(429, 'rate_limited', 'too many requests from this address; retry later');
  }

  function siteCodeOf(request: FastifyRequest): string {
    const params = request.params as { siteCode?: unknown };
    return parse(siteCodeSchema, params.siteCode, 'params.siteCode');
  }

  // Public requests read the form often; a replica sees another replica's publish within FORM_CACHE_MS.
  const formCache = new Map<string, { form: StoredForm | null; at: number }>();
  async function publishedForm(siteCode: string): Promise<StoredForm> {
    const form = await formOrNull(siteCode);
    if (!form) throw fail(404, 'unknown_site', 'no form is published for this site', 'params.siteCode');
    return form;
  }

  async function formOrNull(siteCode: string): Promise<StoredForm | null> {
    const cached = formCache.get(siteCode);
    let form: StoredForm | null;
    if (cached && Math.abs(now() - cached.at) < FORM_CACHE_MS) form = cached.form;
    else {
      form = await store.form(siteCode);
      if (formCache.size > 10_000) formCache.clear();
      formCache.set(siteCode, { form, at: now() });
    }
    return form;
  }

  function configOf(siteCode: string, form: StoredForm): FormConfig {
    return formConfigResponseSchema.parse({ ...form.form, open: form.open, siteCode, processWithinMinutes: ONLINE_LIMITS.processWithinMinutes, serverTime: now() });
  }

  function pageHtml(body: string, title: string): string {
    return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${assetUrl('page.css')}">
</head>
<body><main id="app">${body}</main></body>
</html>`;
  }

  function htmlReply(reply: FastifyReply, html: string, status = 200): FastifyReply {
    return reply.code(status).header('content-security-policy', PAGE_CSP).header('x-frame-options', 'DENY').type('text/html; charset=utf-8').send(html);
  }

  if (options.retentionSweepMs) {
    const timer = setInterval(() => void store.expireAll(now()).catch(() => undefined), options.retentionSweepMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  // ---- public ----

  app.get(ONLINE_ENDPOINTS.page, async (request, reply) => {
    throttleReads(request);
    const siteCode = siteCodeOf(request);
    const stored = await formOrNull(siteCode);
    // A person who scanned an old poster gets a page that says so (a program asking for JSON gets the error).
    if (!stored && /text\/html/.test(String(request.headers.accept ?? ''))) {
      return htmlReply(reply, pageHtml(`<p class="notice">${escapeHtml(zh.onlinePage.unknownSite)}</p><p class="notice" lang="en">${escapeHtml(en.onlinePage.unknownSite)}</p>`, zh.onlinePage.title), 404);
    }
    const config = configOf(siteCode, stored ?? (await publishedForm(siteCode)));
    const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="format-detection" content="telephone=no">
<title>${escapeHtml(zh.onlinePage.title)} · ${escapeHtml(config.siteLabel)}</title>
<link rel="stylesheet" href="${assetUrl('page.css')}">
<script src="${assetUrl('page.js')}" defer></script>
</head>
<body>
<script type="application/json" id="form-config">${inlineJson(config)}</script>
<main id="app"><p class="loading">${escapeHtml(zh.onlinePage.loading)} · ${escapeHtml(en.onlinePage.loading)}</p>
<noscript><p>${escapeHtml(zh.onlinePage.noScript)}</p><p>${escapeHtml(en.onlinePage.noScript)}</p></noscript></main>
</body>
</html>`;
    return htmlReply(reply, html);
  });

  app.get(ONLINE_ENDPOINTS.config, async (request, reply) => {
    throttleReads(request);
    const siteCode = siteCodeOf(request);
    return send(reply, formConfigResponseSchema, configOf(siteCode, await publishedForm(siteCode)));
  });

  app.get('/form/:siteCode/poster', async (request, reply) => {
    throttleReads(request);
    const siteCode = siteCodeOf(request);
    const form = await publishedForm(siteCode);
    const url = pageUrl(request, siteCode);
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(zh.onlinePage.posterTitle)} · ${escapeHtml(form.form.siteLabel)}</title>
<link rel="stylesheet" href="${assetUrl('page.css')}">
</head>
<body class="poster">
<main>
<h1>${escapeHtml(zh.onlinePage.posterTitle)}</h1>
<p class="poster-en" lang="en">${escapeHtml(en.onlinePage.posterTitle)}</p>
<p class="poster-site">${escapeHtml(form.form.siteLabel)}</p>
<div class="poster-qr" role="img" aria-label="${escapeHtml(zh.onlinePage.posterQrLabel)}">${svg}</div>
<p>${escapeHtml(zh.onlinePage.posterSteps)}</p>
<p class="poster-en" lang="en">${escapeHtml(en.onlinePage.posterSteps)}</p>
<p class="poster-url">${escapeHtml(url)}</p>
</main>
</body>
</html>`;
    return htmlReply(reply, html);
  });

  app.get('/form-assets/:file', async (request, reply) => {
    throttleReads(request);
    const { file } = request.params as { file: string };
    const asset = assets.get(file);
    if (!asset) throw fail(404, 'not_found', 'no such file');
    return reply.code(200).header('cache-control', 'public, max-age=31536000, immutable').type(asset.type).send(asset.body);
  });

  app.post(ONLINE_ENDPOINTS.submit, { bodyLimit: ONLINE_LIMITS.submissionBodyBytes }, async (request, reply) => {
    throttleReads(request);
    const siteCode = siteCodeOf(request);
    if (!submissionsByAddress.take(request.ip)) throw fail(429, 'rate_limited', 'too many submissions from this address; retry later');
    const { json } = context.bodyOf(request);
    const body = parse(submitRequestSchema, json, 'body');
    const form = await publishedForm(siteCode);
    if (!form.open) throw fail(403, 'forbidden', 'online registration is closed at this site', 'params.siteCode');
    if (body.envelope.kid !== form.form.kid) throw fail(400, 'bad_request', 'the submission is sealed to a key this site no longer publishes; reload the page', 'body.envelope.kid');
    if (!submissionsBySite.take(siteCode)) throw fail(429, 'rate_limited', 'too many submissions at this site; retry later');
    const receivedAt = now();
    const processBy = receivedAt + ONLINE_LIMITS.processWithinMinutes * 60_000;
    // The honeypot: a field people never see. Bots that fill it get an answer that looks like success, and nothing is stored.
    if (body.website !== undefined && body.website !== '') {
      return send(reply, submitResponseSchema, { receiptCode: newReceiptCode(), receivedAt, processBy }, 201);
    }
    const size = Math.floor((body.envelope.ct.length * 3) / 4);
    const { receiptCode } = await store.submit(siteCode, body.envelope, size, receivedAt);
    return send(reply, submitResponseSchema, { receiptCode, receivedAt, processBy }, 201);
  });

  // ---- desks ----

  app.post(ONLINE_ENDPOINTS.publish, async (request, reply) => {
    const { raw, json } = context.bodyOf(request);
    const body = parse(publishFormRequestSchema, json, 'body');
    const who = await context.caller(request, raw);
    await store.publish(who.siteId, body, who.desk.deskId, now());
    formCache.delete(who.siteId);
    const url = pageUrl(request, who.siteId);
    return send(reply, publishFormResponseSchema, { siteCode: who.siteId, url, posterUrl: `${url}/poster` });
  });

  app.get(ONLINE_ENDPOINTS.pull, async (request, reply) => {
    const { raw } = context.bodyOf(request);
    const query = parse(onlinePullQuerySchema, request.query, 'query');
    const who = await context.caller(request, raw);
    const after = Number(query.cursor);
    if (!Number.isSafeInteger(after)) throw fail(400, 'bad_request', 'cursor is out of range', 'query.cursor');
    // The retention runs here too, so a desk never pulls a submission older than the site keeps.
    await store.expire(who.siteId, now());
    const { items, more } = await store.pull(who.siteId, after, query.limit);
    return send(reply, onlinePullResponseSchema, { items, nextCursor: items.at(-1)?.cursor ?? query.cursor, more });
  });

  app.post(ONLINE_ENDPOINTS.erase, async (request, reply) => {
    const { raw, json } = context.bodyOf(request);
    const body = parse(onlineEraseRequestSchema, json, 'body');
    const who = await context.caller(request, raw);
    return send(reply, onlineEraseResponseSchema, { erased: await store.erase(who.siteId, body.submissionIds, now()) });
  });
}
