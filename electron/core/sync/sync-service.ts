/**
 * Sync, as the core worker runs it: enrolment (register the organisation, enrol and pair a desk,
 * revoke, rotate), and the loop that pushes the outbox and pulls the site's ops — never blocking
 * entry: every database step is one short transaction between network waits.
 *
 * Trust: a desk accepts ops signed by a desk the server lists for the site (active or since
 * revoked: the server refused a revoked desk's pushes from the moment it was revoked), and only if
 * they decrypt under the site's data key, which the server never holds. A lost desk is revoked and
 * the data key rotated, so it cannot read what is written after.
 */
import { INITIAL_CURSOR, SYNC_LIMITS, type Desk } from '../../../shared/api/sync-contract';
import { createLogger } from '../logger';
import type { Services } from '../services';
import {
  createKeyring,
  createRecoveryKey,
  rotateKeyring,
  shortAuthString,
  unwrapKeyring,
  wrapForRecovery,
  wrapKeyringFor,
  type DeskPublic,
  type Keyring,
} from './keyring';
import { acknowledge, backoffDelay, nextPushBatch, pullBatch, retryQuarantined } from './sync-engine';
import { SyncClient, SyncError, normaliseServerUrl, type SyncProblem } from './sync-client';
import { SyncStore } from './sync-store';

const log = createLogger('core/sync');

export type SyncConnection = 'unconfigured' | 'offline' | 'connected' | 'syncing';

export interface SyncStatus {
  pending: number;
  connected: boolean;
  serverConfigured: boolean;
  state: SyncConnection;
  enrolled: boolean;
  serverUrl: string | null;
  siteId: string | null;
  deskId: string;
  lastSyncAt: number | null;
  problem: SyncProblem | null;
  quarantined: number;
  /** A new desk waiting to be paired: the code to read to the manager, and the 6 digits once the keys arrived. */
  pairing: { code: string; sas: string | null } | null;
}

/** How often a connected desk syncs when nothing prompts it, and how often it compares digests. */
export const SYNC_INTERVAL_MS = 5_000;
export const DIGEST_EVERY = 12;
/** A burst of saves becomes one sync round. */
const KICK_DELAY_MS = 300;

function toDeskPublic(desk: Desk): DeskPublic {
  return { deskId: desk.deskId, signPublic: desk.signPublicKey, boxPublic: desk.boxPublicKey };
}

export class SyncService {
  readonly store: SyncStore;
  private state: SyncConnection = 'offline';
  private problem: SyncProblem | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private rounds = 0;
  /** A keyring unwrapped at pairing, held until staff confirm the 6 digits match. */
  private pendingKeyring: { keyring: Keyring; sas: string } | null = null;

  constructor(
    private readonly services: Services,
    private readonly random: () => number = Math.random,
  ) {
    this.store = new SyncStore(services.ctx.db, services.keys.syncSeal, services.ctx.deviceId);
  }

  status(): SyncStatus {
    const serverUrl = this.store.serverUrl;
    const keyring = this.store.keyring();
    const enrolling = this.store.siteId !== null && !keyring;
    return {
      pending: this.services.ops.outboxSize(),
      connected: this.state === 'connected' || this.state === 'syncing',
      serverConfigured: serverUrl !== null,
      state: serverUrl === null ? 'unconfigured' : this.state,
      enrolled: keyring !== null,
      serverUrl,
      siteId: this.store.siteId,
      deskId: this.store.deviceId,
      lastSyncAt: this.store.lastSyncAt,
      problem: serverUrl === null ? null : this.problem,
      quarantined: this.services.ops.quarantinedSealed().length,
      pairing: enrolling ? { code: this.store.deviceId, sas: this.pendingKeyring?.sas ?? null } : null,
    };
  }

  private client(): SyncClient {
    const url = this.store.serverUrl;
    const siteId = this.store.siteId;
    if (!url || !siteId) throw new SyncError('bad_server_address', 'invalid_response', 'no server configured');
    return new SyncClient(url, { siteId, deskId: this.store.deviceId, signingKey: this.store.signingKey() }, this.services.ctx.now);
  }

  private self() {
    return { deskId: this.store.deviceId, identity: this.store.identity() };
  }

  /** A manager sets (or clears) the server address. */
  configure(serverUrl: string | null): void {
    const url = serverUrl === null ? null : normaliseServerUrl(serverUrl);
    if (serverUrl !== null && url === null) throw new SyncError('bad_server_address', 'bad_request', 'not an http(s) address');
    this.services.transact(() => this.store.setServerUrl(url));
    this.problem = null;
    this.attempt = 0;
    this.kick();
  }

  /** The organisation's first desk: a new keyring, the organisation and site on the server, and the recovery key (shown once). */
  async register(input: { serverUrl: string; organisationId: string; siteId: string; siteLabel?: string | undefined; deskLabel?: string | undefined }): Promise<{ recoveryKey: string }> {
    if (this.store.keyring()) throw new SyncError('refused', 'already_exists', 'this desk is already enrolled');
    this.configure(input.serverUrl);
    this.services.transact(() => this.store.setSiteId(input.siteId));
    const me = this.store.publicSelf();
    await this.client().call('register', {
      organisationId: input.organisationId,
      siteId: input.siteId,
      ...(input.siteLabel ? { siteLabel: input.siteLabel } : {}),
      desk: { deskId: me.deskId, signPublicKey: me.signPublic, boxPublicKey: me.boxPublic, ...(input.deskLabel ? { label: input.deskLabel } : {}) },
    });
    const keyring = createKeyring(input.organisationId, input.siteId);
    const recoveryKey = createRecoveryKey();
    // The server keeps a copy wrapped for this desk (so a rotation can be re-read) — never the key.
    await this.client().call('putKeys', { keys: [wrapKeyringFor(keyring, me, this.self())] });
    this.services.transact(() => {
      this.store.setKeyring(keyring);
      this.store.setRecoveryWrap(wrapForRecovery(keyring, recoveryKey));
    });
    this.kick();
    return { recoveryKey };
  }

  /** A new desk asks to join a site: it is pending until a manager pairs it. Returns the pairing code. */
  async enrol(input: { serverUrl: string; siteId: string; deskLabel?: string | undefined }): Promise<{ pairingCode: string }> {
    if (this.store.keyring()) throw new SyncError('refused', 'already_exists', 'this desk is already enrolled');
    this.configure(input.serverUrl);
    this.services.transact(() => this.store.setSiteId(input.siteId));
    const me = this.store.publicSelf();
    await this.client().call('enrol', { siteId: input.siteId, desk: { deskId: me.deskId, signPublicKey: me.signPublic, boxPublicKey: me.boxPublic, ...(input.deskLabel ? { label: input.deskLabel } : {}) } });
    this.kick();
    return { pairingCode: me.deskId };
  }

  private async pendingDesk(code: string): Promise<Desk> {
    const { desks } = await this.client().call('listDesks');
    const desk = desks.find((d) => d.deskId === code.trim());
    if (!desk || desk.state === 'revoked') throw new SyncError('unknown_desk', 'unknown_desk', 'no desk waiting with this pairing code');
    return desk;
  }

  /** On the enrolled desk: the 6 digits for this pairing code, to compare with the new desk's screen. */
  async previewPairing(code: string): Promise<{ sas: string; label: string | null }> {
    const desk = await this.pendingDesk(code);
    return { sas: shortAuthString(toDeskPublic(desk), this.store.publicSelf()), label: desk.label };
  }

  /** On the enrolled desk, after the manager saw the same digits on both screens: wrap the keyring for the new desk. */
  async approve(code: string): Promise<{ sas: string }> {
    const keyring = this.store.keyring();
    if (!keyring) throw new SyncError('refused', 'forbidden', 'this desk is not enrolled');
    const desk = await this.pendingDesk(code);
    const target = toDeskPublic(desk);
    await this.client().call('approve', { deskId: desk.deskId, keys: [wrapKeyringFor(keyring, target, this.self())] });
    this.services.transact(() => this.store.trustDesk(target));
    return { sas: shortAuthString(target, this.store.publicSelf()) };
  }

  /** On the new desk: staff confirm (or deny) that the digits match the manager's screen. */
  confirmPairing(matches: boolean): boolean {
    const pending = this.pendingKeyring;
    if (!pending) return false;
    this.pendingKeyring = null;
    if (!matches) {
      log.warn('pairing denied: the short authentication strings differed');
      return false;
    }
    this.services.transact(() => this.store.setKeyring(pending.keyring));
    this.kick();
    return true;
  }

  /** A lost desk: refused by the server from now on, and a new data-key version it never receives. */
  async revoke(deskId: string): Promise<void> {
    if (deskId === this.store.deviceId) throw new SyncError('refused', 'forbidden', 'a desk cannot revoke itself');
    await this.client().call('revoke', { deskId });
    this.services.transact(() => this.store.revokeDesk(deskId));
    await this.rotate();
  }

  /** A new data-key version for every active desk; nothing old is re-encrypted. */
  async rotate(): Promise<{ keyVersion: number }> {
    const keyring = this.store.keyring();
    if (!keyring) throw new SyncError('refused', 'forbidden', 'this desk is not enrolled');
    const next = rotateKeyring(keyring);
    const { desks } = await this.client().call('listDesks');
    const active = desks.filter((d) => d.state === 'active');
    for (let i = 0; i < active.length; i += SYNC_LIMITS.keyringEntries) {
      await this.client().call('putKeys', { keys: active.slice(i, i + SYNC_LIMITS.keyringEntries).map((d) => wrapKeyringFor(next, toDeskPublic(d), this.self())) });
    }
    this.services.transact(() => this.store.setKeyring(next));
    return { keyVersion: next.current };
  }

  // ------------------------------------------------------------------ the loop

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Something changed (a new op, a new address): sync soon, unless waiting out a failure. */
  kick(): void {
    if (this.stopped || this.running || this.attempt > 0) return;
    if (this.timer && this.timerDue <= this.services.ctx.now() + KICK_DELAY_MS) return;
    this.schedule(KICK_DELAY_MS);
  }

  private timerDue = 0;

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = this.services.ctx.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, delayMs);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<void> {
    if (this.running) return;
    let next = SYNC_INTERVAL_MS;
    this.running = (async () => {
      try {
        await this.syncNow();
        this.attempt = 0;
      } catch (error) {
        this.attempt += 1;
        next = backoffDelay(this.attempt, this.random);
        log.warn('sync failed; retrying later', { problem: error instanceof SyncError ? error.problem : 'internal', code: error instanceof SyncError ? error.code : 'internal', retryInMs: next });
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(next);
  }

  /** One full round: keys and desks, push until acknowledged, pull until caught up, and now and then a digest check. */
  async syncNow(): Promise<{ pushed: number; pulled: number }> {
    if (!this.store.serverUrl || !this.store.siteId) {
      this.state = 'offline';
      return { pushed: 0, pulled: 0 };
    }
    this.state = 'syncing';
    try {
      const client = this.client();
      await this.refreshDesksAndKeys(client);
      if (!this.store.keyring()) {
        this.state = 'connected';
        this.problem = null;
        return { pushed: 0, pulled: 0 };
      }
      const pushed = await this.push(client);
      const pulled = await this.pull(client);
      this.rounds += 1;
      if (this.rounds % DIGEST_EVERY === 0) await this.compareDigest(client);
      this.services.transact(() => this.store.setLastSyncAt(this.services.ctx.now()));
      this.state = 'connected';
      this.problem = null;
      return { pushed, pulled };
    } catch (error) {
      this.state = 'offline';
      this.problem = error instanceof SyncError ? error.problem : 'server_error';
      throw error;
    }
  }

  private async refreshDesksAndKeys(client: SyncClient): Promise<void> {
    const { desks } = await client.call('listDesks');
    const byId = new Map(desks.map((d) => [d.deskId, d]));
    const { keys } = await client.call('getKeys');
    const keyring = this.store.keyring();
    let merged: Keyring | null = keyring;
    let sas: string | null = null;
    for (const wrapped of keys) {
      if (keyring && wrapped.keyVersion <= keyring.current && merged === keyring) continue;
      const wrapper = byId.get(wrapped.wrappedBy);
      if (!wrapper) continue;
      try {
        const opened = unwrapKeyring(wrapped, this.self(), wrapper.boxPublicKey);
        if (opened.siteId !== this.store.siteId) continue;
        merged = merged
          ? { ...merged, current: Math.max(merged.current, opened.current), dataKeys: { ...opened.dataKeys, ...merged.dataKeys } }
          : opened;
        if (!keyring) sas = shortAuthString(this.store.publicSelf(), toDeskPublic(wrapper));
      } catch {
        log.warn('a wrapped keyring did not open', { wrappedBy: wrapped.wrappedBy });
      }
    }
    this.services.transact(() => {
      for (const desk of desks) {
        if (desk.deskId === this.store.deviceId) continue;
        if (desk.state === 'pending') continue;
        this.store.trustDesk(toDeskPublic(desk));
      }
      if (keyring && merged && merged !== keyring) this.store.setKeyring(merged);
    });
    if (!keyring && merged && sas) this.pendingKeyring = { keyring: merged, sas };
    if (keyring && merged !== keyring) retryQuarantined(this.services, this.store);
  }

  private async push(client: SyncClient): Promise<number> {
    let pushed = 0;
    for (;;) {
      const before = this.store.ackedSeq();
      const batch = nextPushBatch(this.services, this.store);
      if (!batch) return pushed;
      const answer = await client.call('push', { ops: batch.ops });
      const mine = answer.acked.find((a) => a.deviceId === this.store.deviceId);
      if (mine) acknowledge(this.services, this.store, mine.highestContiguousSeq);
      if (answer.rejected.length > 0) log.warn('the server refused ops', { count: answer.rejected.length, code: answer.rejected[0]?.code });
      pushed += answer.stored;
      if (this.store.ackedSeq() <= before) {
        if (answer.rejected.length > 0) throw new SyncError('refused', 'op_rejected', 'the server refused an op of this desk');
        return pushed;
      }
    }
  }

  private async pull(client: SyncClient): Promise<number> {
    let pulled = 0;
    for (;;) {
      const cursor = this.store.pullCursor ?? INITIAL_CURSOR;
      const page = await client.call('pull', undefined, { cursor, limit: String(SYNC_LIMITS.pullOps) });
      if (page.ops.length > 0) {
        const ops = page.ops.map(({ cursor: _cursor, ...op }) => op);
        const report = await pullBatch(this.services, this.store, ops, () => this.store.setPullCursor(page.nextCursor));
        pulled += report.applied;
        if (report.quarantined > 0) log.warn('pulled ops kept in quarantine', { count: report.quarantined, reasons: [...new Set(report.reasons)].join(',') });
      } else if (page.nextCursor !== cursor) this.services.transact(() => this.store.setPullCursor(page.nextCursor));
      if (!page.more || page.nextCursor === cursor) return pulled;
    }
  }

  /** The server's per-device counts against ours: a gap means pull everything again (applying is idempotent); a server that lost our ops gets them again. */
  async compareDigest(client: SyncClient = this.client()): Promise<{ gaps: number }> {
    const digest = await client.call('digest');
    let gaps = 0;
    const held = this.services.ctx.db.prepare<{ deviceId: string }, { n: number; top: number | null }>('SELECT count(*) AS n, max(seq) AS top FROM ops WHERE device_id = :deviceId');
    for (const device of digest.devices) {
      const local = held.get({ deviceId: device.deviceId });
      if (device.deviceId === this.store.deviceId) {
        if (device.highestContiguousSeq < this.store.ackedSeq()) {
          this.services.transact(() => this.store.resetAckedSeq(device.highestContiguousSeq));
          gaps += 1;
        }
      } else if ((local?.n ?? 0) < device.count) gaps += 1;
    }
    if (gaps > 0) {
      log.warn('digest comparison found gaps; repairing', { gaps });
      this.services.transact(() => this.store.setPullCursor(INITIAL_CURSOR));
    }
    return { gaps };
  }
}
