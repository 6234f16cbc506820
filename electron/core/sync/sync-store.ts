/**
 * This desk's sync state, kept in `meta` (desk-local, never synced): the server address, the
 * organisation and site, the sealed keyring and desk identity, the trusted desks, the pull cursor
 * and the last good sync. The server-acknowledged sequence lives in `sync_state` (the outbox view
 * reads it).
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import {
  createDeskIdentity,
  deskIdentitySchema,
  keyringSchema,
  openLocal,
  privateKeyOf,
  sealLocal,
  type DeskIdentity,
  type DeskPublic,
  type Keyring,
} from './keyring';
import type { KeyObject } from 'node:crypto';

/** meta keys a restore sets (see `rejoinPending`). */
export const REJOIN = 'sync_rejoin';
export const PREVIOUS_DEVICE = 'sync_previous_device';
export const PREVIOUS_IDENTITY = 'sync_previous_identity';
export const IDENTITY = 'sync_identity';

const trustedDeskSchema = z.object({
  deskId: z.string(),
  signPublic: z.string(),
  boxPublic: z.string(),
  revoked: z.boolean(),
});
export type TrustedDesk = z.infer<typeof trustedDeskSchema>;
const trustedDesksSchema = z.record(z.string(), trustedDeskSchema);

export class SyncStore {
  private readonly meta: MetaRepo;
  private readonly ackedStmt;
  private readonly setAckedStmt;
  private identityCache: DeskIdentity | null = null;
  private signingKeyCache: KeyObject | null = null;
  private keyringCache: Keyring | null = null;
  private desksCache: Record<string, TrustedDesk> | null = null;

  constructor(
    private readonly db: Db,
    private readonly sealKey: Buffer,
    readonly deviceId: string,
  ) {
    this.meta = new MetaRepo(db);
    this.ackedStmt = db.prepare<{ deviceId: string }, { acked_seq: number }>('SELECT acked_seq FROM sync_state WHERE device_id = :deviceId');
    this.setAckedStmt = db.prepare<{ deviceId: string; seq: number }>(
      `INSERT INTO sync_state (device_id, acked_seq) VALUES (:deviceId, :seq)
       ON CONFLICT (device_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)`,
    );
  }

  get serverUrl(): string | null {
    return this.meta.get('sync_server_url') || null;
  }

  setServerUrl(url: string | null): void {
    this.meta.set('sync_server_url', url ?? '');
  }

  /** The site this desk belongs to (set at registration or enrolment, before the keyring arrives). */
  get siteId(): string | null {
    return this.meta.get('sync_site_id') || this.keyring()?.siteId || null;
  }

  setSiteId(siteId: string): void {
    this.meta.set('sync_site_id', siteId);
  }

  /** The recovery desk (derived from the organisation recovery key) this desk last saw in the keyring or put there. */
  get recoveryDeskId(): string | null {
    return this.meta.get('sync_recovery_desk') || null;
  }

  setRecoveryDeskId(deskId: string): void {
    this.meta.set('sync_recovery_desk', deskId);
  }

  /**
   * Set by a restore (electron/core/backup/operations.ts): this database came back under a new
   * device id and must enrol again (approved by the recovery desk) before it syncs; the desk it
   * was before, whose unsent ops it may still hold, is kept as `previous`.
   */
  get rejoinPending(): boolean {
    return this.meta.get(REJOIN) === '1';
  }

  finishRejoin(): void {
    this.meta.set(REJOIN, '');
    this.meta.set(PREVIOUS_DEVICE, '');
    this.meta.set(PREVIOUS_IDENTITY, '');
  }

  previous(): { deskId: string; identity: DeskIdentity } | null {
    const deskId = this.meta.get(PREVIOUS_DEVICE);
    const sealed = this.meta.get(PREVIOUS_IDENTITY);
    if (!deskId || !sealed) return null;
    return { deskId, identity: openLocal(this.sealKey, 'identity', sealed, deskIdentitySchema) };
  }

  /** This desk's signing and box keys, created (and sealed) on first use. */
  identity(): DeskIdentity {
    if (this.identityCache) return this.identityCache;
    const sealed = this.meta.get(IDENTITY);
    if (sealed) this.identityCache = openLocal(this.sealKey, 'identity', sealed, deskIdentitySchema);
    else {
      const created = createDeskIdentity();
      this.meta.set(IDENTITY, sealLocal(this.sealKey, 'identity', created));
      this.identityCache = created;
    }
    return this.identityCache;
  }

  signingKey(): KeyObject {
    this.signingKeyCache ??= privateKeyOf(this.identity().signPrivate);
    return this.signingKeyCache;
  }

  publicSelf(): DeskPublic {
    const identity = this.identity();
    return { deskId: this.deviceId, signPublic: identity.signPublic, boxPublic: identity.boxPublic };
  }

  keyring(): Keyring | null {
    if (this.keyringCache) return this.keyringCache;
    const sealed = this.meta.get('sync_keyring');
    if (!sealed) return null;
    this.keyringCache = openLocal(this.sealKey, 'keyring', sealed, keyringSchema);
    return this.keyringCache;
  }

  setKeyring(keyring: Keyring): void {
    this.meta.set('sync_keyring', sealLocal(this.sealKey, 'keyring', keyringSchema.parse(keyring)));
    this.keyringCache = keyring;
  }

  trustedDesks(): Record<string, TrustedDesk> {
    if (this.desksCache) return this.desksCache;
    const text = this.meta.get('sync_desks');
    this.desksCache = text ? trustedDesksSchema.parse(JSON.parse(text)) : {};
    return this.desksCache;
  }

  trustDesk(desk: DeskPublic): void {
    const desks = { ...this.trustedDesks() };
    const existing = desks[desk.deskId];
    desks[desk.deskId] = { ...desk, revoked: existing?.revoked ?? false };
    this.saveDesks(desks);
  }

  revokeDesk(deskId: string): void {
    const desks = { ...this.trustedDesks() };
    const existing = desks[deskId];
    if (existing) desks[deskId] = { ...existing, revoked: true };
    this.saveDesks(desks);
  }

  private saveDesks(desks: Record<string, TrustedDesk>): void {
    this.meta.set('sync_desks', JSON.stringify(desks));
    this.desksCache = desks;
  }

  /**
   * The Ed25519 key that must have signed an op from `deviceId`: this desk's own, or a desk of the
   * site. A revoked desk's key still verifies what it wrote before (the server refuses its pushes
   * from the revocation on), so nothing it handed in is lost.
   */
  signerKey(deviceId: string): string | undefined {
    if (deviceId === this.deviceId) return this.identity().signPublic;
    return this.trustedDesks()[deviceId]?.signPublic;
  }

  ackedSeq(): number {
    return this.ackedStmt.get({ deviceId: this.deviceId })?.acked_seq ?? 0;
  }

  /** Never moves backwards. */
  setAckedSeq(seq: number): void {
    this.setAckedStmt.run({ deviceId: this.deviceId, seq });
  }

  /** Only when the server shows it lost ops it had acknowledged (restored from an older backup): push them again. */
  resetAckedSeq(seq: number): void {
    this.db.prepare<{ deviceId: string; seq: number }>('UPDATE sync_state SET acked_seq = :seq WHERE device_id = :deviceId').run({ deviceId: this.deviceId, seq });
  }

  get pullCursor(): string | null {
    return this.meta.get('sync_pull_cursor') || null;
  }

  setPullCursor(cursor: string | null): void {
    this.meta.set('sync_pull_cursor', cursor ?? '');
  }

  get lastSyncAt(): number | null {
    const text = this.meta.get('sync_last_at');
    return text ? Number(text) : null;
  }

  setLastSyncAt(at: number): void {
    this.meta.set('sync_last_at', String(at));
  }
}
