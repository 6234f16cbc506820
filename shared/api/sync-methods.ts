/**
 * RPC methods of the desk's sync (issue 10): status for everyone who may see it; the server
 * address, registration, pairing, revocation and key rotation for managers only.
 */
import { z } from 'zod';
import { method } from './method';

const empty = z.object({}).strict();
const done = z.object({ done: z.literal(true) });

export const SYNC_PROBLEMS = ['server_unreachable', 'bad_server_address', 'desk_revoked', 'desk_pending', 'unknown_desk', 'clock_skew', 'rate_limited', 'server_error', 'refused'] as const;
export const syncProblemSchema = z.enum(SYNC_PROBLEMS);

export const syncStatusSchema = z.object({
  pending: z.number().int(),
  connected: z.boolean(),
  serverConfigured: z.boolean(),
  state: z.enum(['unconfigured', 'offline', 'connected', 'syncing']),
  enrolled: z.boolean(),
  serverUrl: z.string().nullable(),
  siteId: z.string().nullable(),
  deskId: z.string(),
  lastSyncAt: z.number().nullable(),
  problem: syncProblemSchema.nullable(),
  quarantined: z.number().int(),
  /** `restored`: a desk restored from a backup its recovery key can no longer bring back, paired again by a manager. */
  pairing: z.object({ code: z.string(), sas: z.string().nullable(), restored: z.boolean().optional() }).nullable(),
});
export type SyncStatusView = z.infer<typeof syncStatusSchema>;

const serverUrl = z.string().trim().min(1, 'required').max(300, 'too_long');
const syncId = z.string().trim().min(1, 'required').max(64, 'too_long').regex(/^[A-Za-z0-9_-]+$/, 'sync_id_format');
const label = z.string().trim().max(80, 'too_long').optional();
const pairingCode = z.string().trim().min(1, 'required').max(64, 'too_long').regex(/^[A-Za-z0-9_-]+$/, 'pairing_code_format');
const manager = { permission: 'policy.manage' } as const;

export const SYNC_METHODS = {
  'sync.status': method({ input: empty, output: syncStatusSchema, access: { permission: 'sync.read' }, mutates: false }),
  /** Sync now rather than at the next round. */
  'sync.now': method({ input: empty, output: z.object({ pushed: z.number().int(), pulled: z.number().int() }), access: { permission: 'sync.read' }, mutates: false }),
  'sync.configure': method({ input: z.object({ serverUrl: serverUrl.nullable() }), output: done, access: manager, mutates: true }),
  /**
   * The organisation's first desk: registers organisation and site, makes the data key and the
   * site's recovery copy under the organisation recovery key; answers that key only when this desk
   * had none and made it now (to be printed once), else null: the key printed at setup is the one.
   */
  'sync.register': method({
    input: z.object({ serverUrl, organisationId: syncId, siteId: syncId, siteLabel: label, deskLabel: label }),
    output: z.object({ recoveryKey: z.string().nullable() }),
    access: manager,
    mutates: true,
  }),
  /** A new desk asks to join a site; answers the pairing code to give the manager. */
  'sync.enrol': method({ input: z.object({ serverUrl, siteId: syncId, deskLabel: label }), output: z.object({ pairingCode: z.string() }), access: manager, mutates: true }),
  'sync.previewPairing': method({ input: z.object({ code: pairingCode }), output: z.object({ sas: z.string(), label: z.string().nullable() }), access: manager, mutates: false }),
  'sync.approve': method({ input: z.object({ code: pairingCode }), output: z.object({ sas: z.string() }), access: manager, mutates: true }),
  'sync.confirmPairing': method({ input: z.object({ matches: z.boolean() }), output: z.object({ enrolled: z.boolean() }), access: manager, mutates: true }),
  'sync.revoke': method({ input: z.object({ deskId: pairingCode }), output: done, access: manager, mutates: true }),
  'sync.rotate': method({ input: empty, output: z.object({ keyVersion: z.number().int() }), access: manager, mutates: true }),
  /**
   * First-run setup, "recover an existing organisation" (a new machine when the site's desks are
   * lost): server address, site and the printed recovery key. Public like setup.initialize, and
   * refused on a desk that is set up; the recovery key is the authority.
   */
  'sync.recover': method({
    input: z.object({ serverUrl, siteId: syncId, recoveryKey: z.string().trim().min(1, 'required').max(100, 'too_long') }),
    output: z.object({ customers: z.number().int(), intakes: z.number().int(), ops: z.number().int() }),
    access: 'public',
    mutates: true,
  }),
} as const;
