/**
 * Online submissions on the desk (issue 15; docs/decisions/0015-online-desk.md): turning them on
 * (the submission key pair in the keyring, the form published to the central server), pulling and
 * opening what customers sealed on their phones, and the sweep that records escalations, breaches
 * and expiries by the 2-hour clock from the server's receipt. The queue, claims, loading at the
 * counter and follow-up are in online-work.ts.
 *
 * The plaintext of a submission exists only here, in the encrypted database, and only until it is
 * processed or expires; logs name submissions by id, never by a value.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ONLINE_ENDPOINTS, ONLINE_LIMITS, onlineEraseResponseSchema, onlinePullResponseSchema, publishFormResponseSchema, type PublishFormRequest, type PulledSubmission } from '../../../shared/api/online-contract';
import { INITIAL_CURSOR } from '../../../shared/api/sync-contract';
import { CURRENT_NOTICE_VERSION } from '../../../shared/domain/intake/consent';
import { CONFIGURABLE_FIELDS, FIELD_NAMES } from '../../../shared/domain/intake/fields';
import { normalizeMobile, normalizePhone } from '../../../shared/domain/phone';
import { DEFAULT_DEADLINES } from '../../../shared/domain/review/deadlines';
import { EnvelopeError, generateSubmissionKeyPair, openSubmission } from '../../../shared/online/envelope';
import { submissionPayloadSchema } from '../../../shared/online/submission';
import { submissionToIntake } from './submission-intake';
import { DomainError } from '../errors';
import { createLogger } from '../logger';
import { loadNotice, resourcePath } from '../paper/form-pdf';
import type { Services } from '../services';
import type { SyncClient } from '../sync/sync-client';
import type { Keyring } from '../sync/keyring';
import { OnlineStore } from './online-store';

const log = createLogger('core/online');

/** A second submission from the same phone within this window replaces the first (the customer corrected a typo). */
export const FOLD_WINDOW_MS = 10 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const META = { cursor: 'online_pull_cursor', url: 'online_form_url', published: 'online_form_digest' } as const;
/** The site's choices (open or closed, retention), a config document every desk receives through the op log. */
const CONFIG_DOC = 'online';

function isOpen(services: Services): boolean {
  return services.config.doc(CONFIG_DOC)?.['open'] === true;
}

function setConfig(services: Services, staffId: string, changes: { open?: boolean; retentionDays?: number }): void {
  services.ops.append(staffId, { entity: 'config', entityId: CONFIG_DOC, changes });
}

const ENDPOINTS = {
  publish: { method: 'POST', path: ONLINE_ENDPOINTS.publish, signed: true, response: publishFormResponseSchema },
  pull: { method: 'GET', path: ONLINE_ENDPOINTS.pull, signed: true, response: onlinePullResponseSchema },
  erase: { method: 'POST', path: ONLINE_ENDPOINTS.erase, signed: true, response: onlineEraseResponseSchema },
} as const;

const stores = new WeakMap<Services, OnlineStore>();
export function onlineStore(services: Services): OnlineStore {
  let store = stores.get(services);
  if (!store) {
    store = new OnlineStore(services.ctx.db);
    stores.set(services, store);
  }
  return store;
}

// ------------------------------------------------------------------ receipt codes

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/** What staff type or a barcode wedge sends: any case, spaces or a dash, O for 0 and I/L for 1 (Crockford). */
export function normaliseReceiptCode(text: string): string | null {
  const code = text
    .toUpperCase()
    .replace(/[\s\-‐‑–—_]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return CROCKFORD.test(code) ? code : null;
}

export const displayReceipt = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** The phone number that folds duplicates together: a mainland mobile's national number, any other as E.164. */
export function phoneKey(mobile: string | undefined): string {
  const text = mobile ?? '';
  const mainland = normalizeMobile(text);
  if (mainland.ok) return mainland.national;
  const any = normalizePhone(text);
  return any.ok ? any.e164 : '';
}

// ------------------------------------------------------------------ settings: the key pair and the published form

export interface OnlineSettings {
  /** The desk is enrolled for sync (online submissions need the central server). */
  available: boolean;
  enabled: boolean;
  open: boolean;
  url: string | null;
  siteCode: string | null;
  keyId: string | null;
  retentionDays: number;
}

export function onlineSettings(services: Services): OnlineSettings {
  const keyring = services.sync.store.keyring();
  const submission = keyring?.submission;
  return {
    available: keyring !== null,
    enabled: submission !== undefined,
    open: isOpen(services),
    url: services.meta.get(META.url) || null,
    siteCode: keyring?.siteId ?? null,
    keyId: submission?.current ?? null,
    retentionDays: retentionDays(services),
  };
}

function retentionDays(services: Services): number {
  const stored = Number(services.config.doc(CONFIG_DOC)?.['retentionDays'] ?? '');
  return Number.isInteger(stored) && stored >= 1 && stored <= 365 ? stored : ONLINE_LIMITS.retentionDays;
}

function readConsent(version: string, name: string): string {
  return fs.readFileSync(resourcePath('consent', `${version}.${name}.txt`), 'utf8').trim();
}

/** The site's form as the page shows it: the walk-in form's fields in entry order (what this site shows), the consent notice and the separate ID-number consent. */
export function formDefinition(services: Services, keyring: Keyring, open: boolean): PublishFormRequest {
  const submission = keyring.submission;
  const current = submission?.keys[submission.current];
  if (!submission || !current) throw new DomainError('CONFLICT', 'online submissions are not turned on', undefined, { reason: 'online_not_enabled' });
  const config = services.config.intakeFields();
  const configurable = new Set<string>(CONFIGURABLE_FIELDS);
  const ALWAYS_REQUIRED = new Set(['name', 'mobile', 'idType', 'idNumber']);
  const fields: PublishFormRequest['fields'] = [];
  for (const key of FIELD_NAMES) {
    if (key === 'grade') continue; // decided by staff, never asked of the customer
    const rule = configurable.has(key) ? config[key as (typeof CONFIGURABLE_FIELDS)[number]] : key === 'addressCity' || key === 'addressDistrict' ? config.addressProvince : 'optional';
    if (rule === 'hidden') continue;
    fields.push({ key, required: ALWAYS_REQUIRED.has(key) || (configurable.has(key) && rule === 'required') });
  }
  return {
    kid: submission.current,
    publicRaw: current.publicRaw,
    siteLabel: services.config.organisation()?.siteName || keyring.siteId,
    fields,
    consent: {
      version: CURRENT_NOTICE_VERSION,
      text: { 'zh-CN': loadNotice('zh-CN').trim(), en: loadNotice('en').trim() },
      idNumberText: { 'zh-CN': readConsent(CURRENT_NOTICE_VERSION, 'id.zh-CN'), en: readConsent(CURRENT_NOTICE_VERSION, 'id.en') },
    },
    retentionDays: retentionDays(services),
    open,
  };
}

/**
 * A manager turns online submissions on (or closes the page). The first time, a submission key pair
 * is made and shared with every enrolled desk inside the keyring (as a new keyring version); then
 * the public key and the form are published, and the page's address is kept for Settings.
 */
export async function configureOnline(services: Services, staffId: string, input: { open: boolean; retentionDays?: number | undefined }): Promise<OnlineSettings> {
  let keyring = services.sync.store.keyring();
  if (!keyring) throw new DomainError('CONFLICT', 'register this desk with the central server first', undefined, { reason: 'not_enrolled' });
  const retention = input.retentionDays;
  if (retention !== undefined) services.transact(() => setConfig(services, staffId, { retentionDays: retention }));
  if (input.open && !keyring.submission) {
    const pair = await generateSubmissionKeyPair();
    const kid = services.ctx.randomId('sk').slice(0, 40);
    const createdAt = services.ctx.now();
    await services.sync.rotate((current) => ({ ...current, submission: { current: kid, keys: { ...current.submission?.keys, [kid]: { ...pair, createdAt } } } }));
    keyring = services.sync.store.keyring();
    if (!keyring?.submission) throw new Error('the submission key pair was not kept');
    services.transact(() => services.audit.append(staffId, 'online.key_created', kid));
  }
  if (!keyring.submission) {
    // Closing a page that never opened: nothing to publish.
    services.transact(() => setConfig(services, staffId, { open: false }));
    return onlineSettings(services);
  }
  const form = formDefinition(services, keyring, input.open);
  const answer = await services.sync.signedClient().request('onlinePublish', ENDPOINTS.publish, form);
  services.transact(() => {
    setConfig(services, staffId, { open: input.open });
    services.meta.set(META.url, answer.url);
    services.meta.set(META.published, formDigest(form));
    services.audit.append(staffId, input.open ? 'online.open' : 'online.close', answer.siteCode, { retentionDays: retentionDays(services) });
  });
  return onlineSettings(services);
}

// ------------------------------------------------------------------ pulling

type Opened = { state: 'ready'; payload: string; phoneKey: string } | { state: 'quarantined'; problem: string };

async function openPulled(keyring: Keyring, item: PulledSubmission): Promise<Opened> {
  const envelope = item.envelope;
  if (!envelope) return { state: 'quarantined', problem: 'erased' };
  const pair = keyring.submission?.keys[envelope.kid];
  if (!pair) return { state: 'quarantined', problem: 'unknown_key' };
  let text: string;
  try {
    text = await openSubmission(pair.privatePkcs8, keyring.siteId, envelope);
  } catch (error) {
    if (error instanceof EnvelopeError) return { state: 'quarantined', problem: error.code };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'quarantined', problem: 'invalid_payload' };
  }
  const parsed = submissionPayloadSchema.safeParse(json);
  if (!parsed.success) return { state: 'quarantined', problem: 'invalid_payload' };
  if (parsed.data.siteCode !== keyring.siteId) return { state: 'quarantined', problem: 'wrong_site' };
  try {
    submissionToIntake(parsed.data);
  } catch {
    return { state: 'quarantined', problem: 'invalid_payload' };
  }
  return { state: 'ready', payload: JSON.stringify(parsed.data), phoneKey: phoneKey(parsed.data.fields.mobile) };
}

/**
 * One page after another from this desk's cursor: each submission opened with the site's private
 * key and validated; what cannot be opened or read is kept sealed with the reason (quarantine),
 * never loaded; a second one from the same phone within minutes folds the first into it. The page
 * and the new cursor commit together.
 */
export async function pullSubmissions(services: Services, client: SyncClient): Promise<{ pulled: number; quarantined: number }> {
  const totals = { pulled: 0, quarantined: 0 };
  if (!services.sync.store.keyring()?.submission) return totals;
  for (;;) {
    const cursor = services.meta.get(META.cursor) || INITIAL_CURSOR;
    const page = await client.request('onlinePull', ENDPOINTS.pull, undefined, { cursor, limit: String(ONLINE_LIMITS.pullItems) });
    const stored = await storePulled(services, page.items, page.nextCursor);
    totals.pulled += stored.pulled;
    totals.quarantined += stored.quarantined;
    if (!page.more || page.nextCursor === cursor) break;
  }
  if (totals.pulled > 0) log.info('online submissions pulled', totals);
  return totals;
}

/** One pulled page: opened outside the transaction (WebCrypto is asynchronous), then stored with the new cursor in one. */
export async function storePulled(services: Services, items: readonly PulledSubmission[], nextCursor: string): Promise<{ pulled: number; quarantined: number }> {
  const keyring = services.sync.store.keyring();
  if (!keyring?.submission) return { pulled: 0, quarantined: 0 };
  const store = onlineStore(services);
  let pulled = 0;
  let quarantined = 0;
  const opened: Array<{ item: PulledSubmission; result: Opened }> = [];
  for (const item of items) opened.push({ item, result: item.envelope ? await openPulled(keyring, item) : { state: 'quarantined', problem: 'erased' } });
  services.transact(() => {
    const now = services.ctx.now();
    for (const { item, result } of opened) {
      if (!item.envelope) {
        // A tombstone: the server erased it (processed elsewhere, or expired there).
        if (!store.insert({ id: item.submissionId, receiptCode: item.receiptCode, receivedAt: item.receivedAt, size: item.size, state: 'erased', payload: null, sealed: null, problem: '', phoneKey: '', pulledAt: now, erasedAt: item.erasedAt ?? now, eraseSent: true })) {
          store.erase(item.submissionId, item.erasedAt ?? now, true);
        }
        continue;
      }
      const ready = result.state === 'ready';
      const inserted = store.insert({
        id: item.submissionId,
        receiptCode: item.receiptCode,
        receivedAt: item.receivedAt,
        size: item.size,
        state: result.state,
        payload: ready ? result.payload : null,
        sealed: ready ? null : JSON.stringify(item.envelope),
        problem: ready ? '' : result.problem,
        phoneKey: ready ? result.phoneKey : '',
        pulledAt: now,
        erasedAt: null,
        eraseSent: false,
      });
      if (!inserted) continue;
      pulled += 1;
      if (!ready) {
        quarantined += 1;
        services.audit.append(null, 'online.quarantined', item.submissionId, { problem: result.problem });
        log.warn('an online submission was kept in quarantine', { submissionId: item.submissionId, problem: result.problem });
        continue;
      }
      if (result.phoneKey) {
        const earlier = store.foldTarget(result.phoneKey, item.receivedAt - FOLD_WINDOW_MS, item.submissionId);
        if (earlier) {
          store.fold(earlier, item.submissionId);
          services.audit.append(null, 'online.folded', item.submissionId, { into: item.submissionId, folded: earlier });
        }
      }
    }
    services.meta.set(META.cursor, nextCursor);
  });
  return { pulled, quarantined };
}

/** Ask the server to erase the ciphertext of what was processed or expired here (it keeps a tombstone). */
export async function sendErasures(services: Services, client: SyncClient): Promise<number> {
  const store = onlineStore(services);
  const ids = store.unsentErasures();
  if (ids.length === 0) return 0;
  await client.request('onlineErase', ENDPOINTS.erase, { submissionIds: ids });
  services.transact(() => store.markEraseSent(ids));
  return ids.length;
}

/** The sync round's online part: pull, sweep, erase. */
const formDigest = (form: PublishFormRequest): string => createHash('sha256').update(JSON.stringify(form)).digest('hex');

/**
 * While the page is open, a desk publishes the form again when what it would publish changed (a
 * manager changed which fields the site shows or requires, a new notice version): the page never
 * asks for a field the desks no longer show. Desks publish the same form, so repeats are harmless.
 */
export async function republishIfChanged(services: Services, client: SyncClient): Promise<boolean> {
  const keyring = services.sync.store.keyring();
  if (!keyring?.submission || !isOpen(services)) return false;
  const form = formDefinition(services, keyring, true);
  const digest = formDigest(form);
  if (services.meta.get(META.published) === digest) return false;
  const answer = await client.request('onlinePublish', ENDPOINTS.publish, form);
  services.transact(() => {
    services.meta.set(META.url, answer.url);
    services.meta.set(META.published, digest);
    services.audit.append(null, 'online.republished', answer.siteCode);
  });
  return true;
}

export async function onlineRound(services: Services, client: SyncClient): Promise<void> {
  if (!services.sync.store.keyring()?.submission) return;
  await republishIfChanged(services, client);
  await pullSubmissions(services, client);
  sweepOnline(services);
  await sendErasures(services, client);
}

// ------------------------------------------------------------------ the sweep: escalations, breaches, expiry

/**
 * Record what the clock says (deadlines are computed from the server's receipt time, never timers):
 * the lead's alert at 90 minutes, the breach at 120, and the end of the retention for what was never
 * processed (erased here and, at the next round, on the server; a tombstone stays). Also drops the
 * plaintext of what another desk processed or expired.
 */
export function sweepOnline(services: Services): { escalated: number; breached: number; expired: number } {
  const store = onlineStore(services);
  const now = services.ctx.now();
  const retentionMs = retentionDays(services) * DAY;
  const counts = { escalated: 0, breached: 0, expired: 0 };
  const open = store.open();
  const held = store.doneButHeld();
  if (open.length === 0 && held.length === 0) return counts;
  services.transact(() => {
    for (const row of open) {
      const changes: Record<string, number> = {};
      const escalateAt = row.first_received_at + DEFAULT_DEADLINES.onlineEscalateMinutes * MINUTE;
      const breachAt = row.first_received_at + DEFAULT_DEADLINES.onlineDueMinutes * MINUTE;
      if (now >= escalateAt && row.escalated_at === null) {
        changes['escalatedAt'] = escalateAt;
        counts.escalated += 1;
      }
      if (now >= breachAt && row.breached_at === null) {
        changes['breachedAt'] = breachAt;
        counts.breached += 1;
      }
      const claimed = row.claim_until !== null && row.claim_until > now;
      if (now - row.first_received_at >= retentionMs && !claimed) {
        changes['expiredAt'] = now;
        counts.expired += 1;
      }
      if (Object.keys(changes).length === 0) continue;
      services.ops.append(null, { entity: 'online_submission', entityId: row.id, changes });
      if (changes['escalatedAt'] !== undefined) services.audit.append(null, 'online.escalated', row.id, { receivedAt: row.first_received_at });
      if (changes['breachedAt'] !== undefined) {
        services.audit.append(null, 'online.breached', row.id, { receivedAt: row.first_received_at });
        log.warn('an online submission passed its 2-hour deadline', { submissionId: row.id });
      }
      if (changes['expiredAt'] !== undefined) {
        for (const id of store.group(row.id)) store.erase(id, now, false);
        services.audit.append(null, 'online.expired', row.id, { retentionDays: retentionDays(services) });
      }
    }
    for (const id of store.doneButHeld()) store.erase(id, now, false);
  });
  return counts;
}
