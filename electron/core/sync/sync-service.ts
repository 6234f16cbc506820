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
import type { WrappedKeyring } from './keyring';
import { createLogger } from '../logger';
import type { Services } from '../services';
import { createRecoveryKey, heldRecoveryKey, organisationId, refreshBackupKey } from '../backup/keyring';
import { encodeRecoveryKey, parseRecoveryKey } from '../backup/recovery-key';
import { countRecords } from '../backup/verify';
import {
  createKeyring,
  isRecoveryDeskId,
  privateKeyOf,
  recoveryDesk,
  mergeKeyrings,
  rotateKeyring,
  shortAuthString,
  unwrapKeyring,
  wrapKeyringFor,
  type DeskIdentity,
  type DeskPublic,
  type Keyring,
} from './keyring';
import { pullBlob, pushBlob } from './blobs';
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
  pairing: { code: string; sas: string | null; restored?: boolean } | null;
}

/** How often a connected desk syncs when nothing prompts it, and how often it compares digests. */
export const SYNC_INTERVAL_MS = 5_000;
export const DIGEST_EVERY = 12;
/** A scan the server did not have (or that did not open) is asked for again after this long. */
const BLOB_RETRY_MS = 5 * 60_000;
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
  /**
   * A restored desk its recovery key cannot bring back (the key was replaced after the backup was
   * made, or the site's recovery desk is gone): it waits to be paired by a manager at an enrolled desk
   * like a new one. `keys`: the keyring that manager's desk wrapped for it, once it has come.
   */
  private rejoinPairing: { keys: { keyring: Keyring; sas: string } | null; confirmed: boolean } | null = null;

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
      pairing: enrolling
        ? { code: this.store.deviceId, sas: this.pendingKeyring?.sas ?? null }
        : this.rejoinPairing && !this.rejoinPairing.confirmed
          ? { code: this.store.deviceId, sas: this.rejoinPairing.keys?.sas ?? null, restored: true }
          : null,
    };
  }

  /** Features that talk to the server as well (online submissions) take part in every round, after the ops. */
  private readonly rounds_: Array<{ name: string; run: (client: SyncClient) => Promise<unknown> }> = [];

  addRound(name: string, run: (client: SyncClient) => Promise<unknown>): void {
    this.rounds_.push({ name, run });
  }

  /** A client signed as this desk, for a feature's own endpoints. */
  signedClient(): SyncClient {
    return this.client();
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

  /**
   * The organisation's first desk: a new keyring, the organisation and site on the server, and the
   * site's recovery desk (the organisation recovery key's, so the printed key recovers the site).
   * Answers the recovery key only when this desk had none and made it now (to be printed once);
   * otherwise the key printed at setup is the one.
   */
  async register(input: { serverUrl: string; organisationId: string; siteId: string; siteLabel?: string | undefined; deskLabel?: string | undefined }): Promise<{ recoveryKey: string | null }> {
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
    let made: string | null = null;
    const recoveryKey = heldRecoveryKey(this.services) ?? (made = createRecoveryKey(this.services, null));
    const keyring: Keyring = { ...createKeyring(input.organisationId, input.siteId), recoveryKey };
    // The server keeps a copy wrapped for this desk (so a rotation can be re-read) — never the key.
    await this.client().call('putKeys', { keys: [wrapKeyringFor(keyring, me, this.self())] });
    this.services.transact(() => this.store.setKeyring(keyring));
    await this.reconcileRecovery(this.client(), (await this.client().call('listDesks')).desks);
    this.kick();
    return { recoveryKey: made };
  }

  /**
   * A new machine of an organisation that lost its desks (first-run setup, "recover an existing
   * organisation"): with the printed recovery key, sign in as the site's recovery desk, open the
   * keyring the server keeps for it, enrol this desk (its own new id) approved by the recovery desk,
   * and pull every op of the site, which rebuilds the tables (staff accounts included).
   */
  async recover(input: { serverUrl: string; siteId: string; recoveryKey: string }): Promise<{ customers: number; intakes: number; ops: number }> {
    const secret = parseRecoveryKey(input.recoveryKey);
    if (!secret) throw new SyncError('refused', 'bad_request', 'the recovery key must be 32 letters and digits (groups of four, as printed)');
    const printed = encodeRecoveryKey(secret);
    const enrolled = this.store.keyring();
    if (enrolled) {
      // A recovery cut short (the network went away while pulling): the same key and site go on from where it stopped.
      if (enrolled.siteId !== input.siteId || enrolled.recoveryKey !== printed) throw new SyncError('refused', 'already_exists', 'this desk is already enrolled');
      await this.syncNow();
      this.adoptRecoveryKey(printed);
      const counts = countRecords(this.services.ctx.db);
      return { customers: counts.customers, intakes: counts.intakes, ops: counts.ops };
    }
    const url = normaliseServerUrl(input.serverUrl);
    if (!url) throw new SyncError('bad_server_address', 'bad_request', 'not an http(s) address');
    const rescuer = recoveryDesk(printed);
    const rescue = new SyncClient(url, { siteId: input.siteId, deskId: rescuer.deskId, signingKey: privateKeyOf(rescuer.identity.signPrivate) }, this.services.ctx.now);
    let desks: Desk[];
    try {
      desks = (await rescue.call('listDesks')).desks;
    } catch (error) {
      if (error instanceof SyncError && (error.code === 'unknown_desk' || error.code === 'desk_revoked' || error.code === 'unknown_site')) {
        throw new SyncError('refused', 'unknown_desk', 'this recovery key is not the one of this site (or it was replaced by a newer one)');
      }
      throw error;
    }
    const keyring = this.openRecoveryCopy((await rescue.call('getKeys')).keys, desks, rescuer);
    if (!keyring || keyring.siteId !== input.siteId) throw new SyncError('refused', 'unknown_desk', 'the keyring kept for this recovery key does not open');
    this.configure(url);
    this.services.transact(() => this.store.setSiteId(input.siteId));
    const me = this.store.publicSelf();
    await this.client().call('enrol', { siteId: input.siteId, desk: { deskId: me.deskId, signPublicKey: me.signPublic, boxPublicKey: me.boxPublic } });
    await rescue.call('approve', { deskId: me.deskId, keys: [wrapKeyringFor(keyring, me, rescuer)] });
    this.services.transact(() => {
      this.store.setKeyring({ ...keyring, recoveryKey: keyring.recoveryKey ?? printed });
      this.store.setRecoveryDeskId(rescuer.deskId);
      for (const desk of desks) if (desk.state !== 'pending') this.store.trustDesk(toDeskPublic(desk));
    });
    await this.syncNow();
    this.adoptRecoveryKey(printed);
    log.info('organisation recovered onto a new desk', { siteId: input.siteId });
    const counts = countRecords(this.services.ctx.db);
    return { customers: counts.customers, intakes: counts.intakes, ops: counts.ops };
  }

  /** The newest keyring among those wrapped for `me` that opens, or null. */
  private openRecoveryCopy(keys: WrappedKeyring[], desks: Desk[], me: { deskId: string; identity: DeskIdentity }): Keyring | null {
    for (const wrapped of [...keys].sort((a, b) => b.keyVersion - a.keyVersion)) {
      const wrapper = desks.find((d) => d.deskId === wrapped.wrappedBy);
      if (!wrapper) continue;
      try {
        return unwrapKeyring(wrapped, me, wrapper.boxPublicKey);
      } catch {
        log.warn('a recovery copy of the keyring did not open', { wrappedBy: wrapped.wrappedBy });
      }
    }
    return null;
  }

  /** Keep the organisation recovery key (and a backup key under it) once the organisation's configuration has arrived. */
  private adoptRecoveryKey(recoveryKey: string): boolean {
    if (heldRecoveryKey(this.services) === recoveryKey) return true;
    if (!organisationId(this.services.ctx.db)) return false;
    createRecoveryKey(this.services, null, recoveryKey);
    return true;
  }

  /**
   * Keep the site's recovery desk in step with the organisation recovery key:
   * - the keyring carries a key this desk has not seen (another desk made a new one, or this desk
   *   was just paired): take it (backups from now on are under it);
   * - a manager made a new key here: enrol and approve its recovery desk, revoke the old one and
   *   rotate the data key with the new recovery key in the keyring, wrapped for every active desk;
   * - otherwise make sure the recovery desk is enrolled and approved (registration).
   */
  private async reconcileRecovery(client: SyncClient, desks: Desk[]): Promise<void> {
    const keyring = this.store.keyring();
    if (!keyring) return;
    let held = heldRecoveryKey(this.services);
    const inKeyring = keyring.recoveryKey ? recoveryDesk(keyring.recoveryKey).deskId : null;
    if (keyring.recoveryKey && inKeyring && inKeyring !== this.store.recoveryDeskId) {
      if (held !== keyring.recoveryKey && !this.adoptRecoveryKey(keyring.recoveryKey)) return;
      this.services.transact(() => this.store.setRecoveryDeskId(inKeyring));
      held = keyring.recoveryKey;
    }
    if (!held) return;
    if (refreshBackupKey(this.services, held)) log.info('backup key renewed under the organisation id now in force');
    const rescuer = recoveryDesk(held);
    const listed = desks.find((d) => d.deskId === rescuer.deskId);
    if (!listed) {
      const rescue = new SyncClient(client.baseUrl, { siteId: keyring.siteId, deskId: rescuer.deskId, signingKey: privateKeyOf(rescuer.identity.signPrivate) }, this.services.ctx.now);
      await rescue.call('enrol', { siteId: keyring.siteId, desk: { deskId: rescuer.deskId, signPublicKey: rescuer.identity.signPublic, boxPublicKey: rescuer.identity.boxPublic, label: 'recovery key' } });
    }
    if (!listed || listed.state === 'pending') {
      await client.call('approve', { deskId: rescuer.deskId, keys: [wrapKeyringFor(keyring, { deskId: rescuer.deskId, signPublic: rescuer.identity.signPublic, boxPublic: rescuer.identity.boxPublic }, this.self())] });
    }
    if (keyring.recoveryKey !== held) {
      // A new recovery key made on this desk: the old recovery desk can no longer read what comes next.
      if (inKeyring && inKeyring !== rescuer.deskId) await client.call('revoke', { deskId: inKeyring }).catch((error: unknown) => log.warn('the old recovery desk was not revoked', { code: error instanceof SyncError ? error.code : 'internal' }));
      await this.rotate((current) => (held ? { ...current, recoveryKey: held } : current));
    }
    this.services.transact(() => this.store.setRecoveryDeskId(rescuer.deskId));
  }

  /**
   * A restored desk (new device id, see SyncStore.rejoinPending): enrol again, approved by the
   * recovery desk of the key in its keyring, or, where that key no longer approves anything, paired by
   * a manager like a new desk (false until then); hand in what its previous self had not sent; then
   * it pulls what it missed like any desk.
   */
  private async rejoin(client: SyncClient): Promise<boolean> {
    const keyring = this.store.keyring();
    if (!keyring) return true;
    const me = this.store.publicSelf();
    await client.call('enrol', { siteId: keyring.siteId, desk: { deskId: me.deskId, signPublicKey: me.signPublic, boxPublicKey: me.boxPublic } });
    if (!this.rejoinPairing?.confirmed && !(await this.approvedByRecoveryKey(client, keyring, me))) {
      await this.awaitRejoinPairing(client);
      return false;
    }
    this.rejoinPairing = null;
    const previous = this.store.previous();
    if (previous) {
      const before = new SyncClient(client.baseUrl, { siteId: keyring.siteId, deskId: previous.deskId, signingKey: privateKeyOf(previous.identity.signPrivate) }, this.services.ctx.now);
      const ackedOf = this.services.ctx.db.prepare<{ deviceId: string }, { acked_seq: number }>('SELECT acked_seq FROM sync_state WHERE device_id = :deviceId');
      try {
        for (;;) {
          const acked = ackedOf.get({ deviceId: previous.deskId })?.acked_seq ?? 0;
          const batch = nextPushBatch(this.services, this.store, undefined, { deviceId: previous.deskId, signingKey: privateKeyOf(previous.identity.signPrivate), acked });
          if (!batch) break;
          const answer = await before.call('push', { ops: batch.ops, manifests: batch.manifests });
          const top = answer.acked.find((a) => a.deviceId === previous.deskId)?.highestContiguousSeq ?? acked;
          if (top <= acked) break;
          this.services.transact(() =>
            this.services.ctx.db
              .prepare<{ deviceId: string; seq: number }>('INSERT INTO sync_state (device_id, acked_seq) VALUES (:deviceId, :seq) ON CONFLICT (device_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)')
              .run({ deviceId: previous.deskId, seq: top }),
          );
        }
      } catch (error) {
        // The desk it was may have been revoked as lost: its unsent ops stay in this log, readable here.
        log.warn('ops of the desk this one was restored from were not handed in', { code: error instanceof SyncError ? error.code : 'internal' });
      }
    }
    this.services.transact(() => this.store.finishRejoin());
    log.info('restored desk rejoined sync under a new device id');
    return true;
  }

  /** The recovery desk of the key this desk holds approves it; false when that desk can no longer (key replaced, desk gone). */
  private async approvedByRecoveryKey(client: SyncClient, keyring: Keyring, me: ReturnType<SyncStore['publicSelf']>): Promise<boolean> {
    const key = keyring.recoveryKey ?? heldRecoveryKey(this.services);
    if (!key) return false;
    const rescuer = recoveryDesk(key);
    const rescue = new SyncClient(client.baseUrl, { siteId: keyring.siteId, deskId: rescuer.deskId, signingKey: privateKeyOf(rescuer.identity.signPrivate) }, this.services.ctx.now);
    try {
      await rescue.call('approve', { deskId: me.deskId, keys: [wrapKeyringFor(keyring, me, rescuer)] });
      return true;
    } catch (error) {
      if (error instanceof SyncError && (error.code === 'unknown_desk' || error.code === 'desk_revoked' || error.code === 'desk_pending')) {
        log.warn('the recovery key this desk was restored with no longer approves desks; a manager pairs it', { code: error.code });
        return false;
      }
      throw error;
    }
  }

  /** Waiting to be paired: once a manager's desk has wrapped the keyring for this one, show the digits to compare. */
  private async awaitRejoinPairing(client: SyncClient): Promise<void> {
    this.rejoinPairing ??= { keys: null, confirmed: false };
    if (this.rejoinPairing.keys) return;
    const { desks } = await client.call('listDesks');
    const { keys } = await client.call('getKeys');
    for (const wrapped of keys) {
      const wrapper = desks.find((d) => d.deskId === wrapped.wrappedBy && d.state === 'active');
      if (!wrapper) continue;
      try {
        const opened = unwrapKeyring(wrapped, this.self(), wrapper.boxPublicKey);
        if (opened.siteId !== this.store.siteId) continue;
        this.rejoinPairing.keys = { keyring: opened, sas: shortAuthString(this.store.publicSelf(), toDeskPublic(wrapper)) };
        return;
      } catch {
        log.warn('a wrapped keyring did not open', { wrappedBy: wrapped.wrappedBy });
      }
    }
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
    const rejoining = this.rejoinPairing;
    if (rejoining?.keys && !rejoining.confirmed) {
      const offered = rejoining.keys;
      if (!matches) {
        log.warn('pairing denied: the short authentication strings differed');
        rejoining.keys = null;
        return false;
      }
      const mine = this.store.keyring();
      this.services.transact(() => this.store.setKeyring(mine ? mergeKeyrings(mine, offered.keyring) : offered.keyring));
      rejoining.confirmed = true;
      this.kick();
      return true;
    }
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
    if (isRecoveryDeskId(deskId)) throw new SyncError('refused', 'forbidden', "the recovery key's desk is replaced by making a new recovery key, not revoked");
    await this.client().call('revoke', { deskId });
    this.services.transact(() => this.store.revokeDesk(deskId));
    await this.rotate();
  }

  /** A new data-key version for every active desk; nothing old is re-encrypted. */
  async rotate(change: (keyring: Keyring) => Keyring = (keyring) => keyring): Promise<{ keyVersion: number }> {
    const keyring = this.store.keyring();
    if (!keyring) throw new SyncError('refused', 'forbidden', 'this desk is not enrolled');
    // A change to the keyring (a new submission key pair, a new recovery key) travels as a new version, which every desk takes.
    const next = rotateKeyring(change(keyring));
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
      if (this.store.rejoinPending && !(await this.rejoin(client))) {
        this.state = 'connected';
        this.problem = 'desk_pending';
        return { pushed: 0, pulled: 0 };
      }
      const desks = await this.refreshDesksAndKeys(client);
      if (!this.store.keyring()) {
        this.state = 'connected';
        this.problem = null;
        return { pushed: 0, pulled: 0 };
      }
      await this.reconcileRecovery(client, desks);
      // Scans first: a desk that pulls the ops naming a scan then finds the scan on the server.
      await this.pushAttachments(client);
      const pushed = await this.push(client);
      const pulled = await this.pull(client);
      await this.pullAttachments(client);
      for (const round of this.rounds_) {
        try {
          await round.run(client);
        } catch (error) {
          // The ops are in; a feature's trouble is its own and is tried again next round.
          log.warn('a sync round step failed', { step: round.name, problem: error instanceof SyncError ? error.problem : 'internal', code: error instanceof SyncError ? error.code : 'internal' });
        }
      }
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

  private async refreshDesksAndKeys(client: SyncClient): Promise<Desk[]> {
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
        merged = merged ? mergeKeyrings(merged, opened) : opened;
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
    return desks;
  }

  private async push(client: SyncClient): Promise<number> {
    let pushed = 0;
    for (;;) {
      const before = this.store.ackedSeq();
      const batch = nextPushBatch(this.services, this.store);
      if (!batch) return pushed;
      const answer = await client.call('push', { ops: batch.ops, manifests: batch.manifests });
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
        const report = await pullBatch(this.services, this.store, ops, () => this.store.setPullCursor(page.nextCursor), page.manifests ?? []);
        pulled += report.applied;
        if (report.quarantined > 0) log.warn('pulled ops kept in quarantine', { count: report.quarantined, reasons: [...new Set(report.reasons)].join(',') });
      } else if (page.nextCursor !== cursor) this.services.transact(() => this.store.setPullCursor(page.nextCursor));
      if (!page.more || page.nextCursor === cursor) return pulled;
    }
  }

  /** Scans this desk stored and the server does not yet hold: a few per round, so ops never wait long behind them (more next round). */
  private async pushAttachments(client: SyncClient): Promise<void> {
    const keyring = this.store.keyring();
    const siteId = this.store.siteId;
    if (!keyring || !siteId) return;
    const db = this.services.ctx.db;
    const queued = db.prepare<[], { id: string }>('SELECT id FROM attachment_outbox ORDER BY queued_at, id LIMIT 4').all();
    for (const { id } of queued) {
      try {
        if (this.services.attachments.has(id)) await pushBlob(client, keyring, siteId, this.services.attachments, id);
      } catch (error) {
        if (error instanceof SyncError) throw error;
        // A sealed file that no longer opens cannot be shipped; it must not hold up every other one.
        log.error('a scan could not be shipped; it stays on this desk only', { error: error instanceof Error ? error.name : 'unknown' });
      }
      db.prepare('DELETE FROM attachment_outbox WHERE id = ?').run(id);
    }
  }

  /** Blobs the server did not hold (or that did not open) when last asked: not asked again for a while. */
  private readonly blobMisses = new Map<string, number>();

  /** Scans other desks attached (named by pulled ops) that this desk does not hold yet: the newest first, a few per round. */
  private async pullAttachments(client: SyncClient): Promise<void> {
    const keyring = this.store.keyring();
    const siteId = this.store.siteId;
    if (!keyring || !siteId) return;
    const rows = this.services.ctx.db.prepare<[], { id: string; image_id: string | null }>('SELECT id, image_id FROM scans ORDER BY imported_at DESC, id LIMIT 200').all();
    const now = this.services.ctx.now();
    const missing = rows
      .flatMap((row) => [row.image_id, row.id])
      .filter((id): id is string => id !== null && (this.blobMisses.get(id) ?? 0) <= now - BLOB_RETRY_MS && !this.services.attachments.has(id));
    for (const id of [...new Set(missing)].slice(0, 4)) {
      try {
        if (await pullBlob(client, keyring, siteId, this.services.attachments, id)) this.blobMisses.delete(id);
        else this.blobMisses.set(id, now);
      } catch (error) {
        if (error instanceof SyncError) throw error;
        this.blobMisses.set(id, now);
        log.warn('a scan from another desk did not open; asked again later', { error: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  /** One attachment, now (a screen wants to show a scan another desk stored); false when it cannot be had. */
  async fetchAttachment(id: string): Promise<boolean> {
    const keyring = this.store.keyring();
    const siteId = this.store.siteId;
    if (!keyring || !siteId || !this.store.serverUrl) return false;
    try {
      return await pullBlob(this.client(), keyring, siteId, this.services.attachments, id);
    } catch (error) {
      log.warn('a scan could not be fetched from the server', { problem: error instanceof SyncError ? error.problem : 'internal' });
      return false;
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
