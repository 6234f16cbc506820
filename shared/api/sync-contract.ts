/**
 * The wire contract between a desk and the central sync server (issue 10). Both sides import these
 * schemas: the server validates every request and every response with them, the desk validates what
 * the server answers. Pure zod and string building only (no Node APIs), so any bundle may import it.
 *
 * Stability: additive changes only (new optional fields, new endpoints, new error codes).
 *
 * ## Authentication (signed requests)
 * Every endpoint except `GET /health` is signed by the calling desk with its Ed25519 key. The desk sends
 * the headers in `SIGNED_HEADERS`; the signature covers `canonicalRequest(...)`, i.e. method, path (with
 * query string, exactly as sent), the hex SHA-256 of the raw body bytes (of the empty string when there is
 * no body), the site, the desk, the timestamp and the nonce. The server refuses a timestamp more than
 * `SIGNATURE_WINDOW_MS` away from its clock and any nonce it has seen from that desk inside the window
 * (replay). A desk is known by (site id, desk id); the desk id is the op log's device id (`dev_…`).
 * `POST /v1/register` and `POST /v1/desks/enrol` are self-signed: the key checked is the one in the body.
 *
 * ## Ops on the wire
 * A `WireOp` carries the header fields in clear (what the server needs to store, order and dedupe) and
 * the payload as AES-256-GCM ciphertext (base64) with its nonce and data-key version. `staffId` and the
 * field changes travel only inside the ciphertext. The desk signs its ops with its Ed25519 key: each
 * push's ops at once through an `OpManifest` (the SHA-256 of every op's `opSigningInput`, signed once;
 * each op names it by `manifestId`), or, as desks did before, each op's `opSigningInput` alone
 * (`signature`). The server checks either against the pushing desk's key and that `deviceId` is that
 * desk; a puller checks them again against the keys of the site's desks.
 */
import { z } from 'zod';

export const SYNC_API_VERSION = 1;

/** Limits the server enforces (and the desk respects when batching). */
export const SYNC_LIMITS = {
  /** Largest request body the server accepts, in bytes. */
  bodyBytes: 1024 * 1024,
  /** Most ops in one push. */
  pushOps: 2000,
  /** Most ops one pull answers (the desk may ask for fewer). */
  pullOps: 1000,
  /** Most manifests (batch signatures) in one push. */
  pushManifests: 4,
  /** Most manifests one pull page names: the server ends a page early rather than name more. */
  pullManifests: 16,
  /** Largest ciphertext of one op payload, base64 characters. */
  ciphertextChars: 256 * 1024,
  /** Most wrapped keyring entries in one request. */
  keyringEntries: 200,
  /** Largest piece of a sealed attachment blob in one request, bytes (base64 of it stays under bodyBytes). */
  blobChunkBytes: 640 * 1024,
  /** Most pieces of one blob (a scan is at most 10 MB, sealed a little more). */
  blobChunks: 32,
} as const;

/** How far a signed request's timestamp may be from the server's clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** Request headers of a signed request (lower case, as Node presents them). */
export const SIGNED_HEADERS = {
  site: 'x-intake-site',
  desk: 'x-intake-desk',
  /** Milliseconds since the epoch, decimal digits. */
  timestamp: 'x-intake-timestamp',
  /** 16–64 url-safe characters, fresh for every request. */
  nonce: 'x-intake-nonce',
  /** Base64 Ed25519 signature (64 bytes) over `canonicalRequest(...)`. */
  signature: 'x-intake-signature',
} as const;

/** The exact text a desk signs for a request (UTF-8 encoded before signing). */
export function canonicalRequest(parts: { method: string; path: string; bodySha256Hex: string; siteId: string; deskId: string; timestamp: string; nonce: string }): string {
  return ['intake-desk-request-v1', parts.method.toUpperCase(), parts.path, parts.bodySha256Hex, parts.siteId, parts.deskId, parts.timestamp, parts.nonce].join('\n');
}

// ---- building blocks ----

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Standard base64 of at most `max` characters. */
export const base64 = (max: number) => z.string().max(max).regex(BASE64, 'must be base64');
/** Standard base64 of exactly `bytes` bytes. */
export const base64Bytes = (bytes: number) => z.string().length(Math.ceil(bytes / 3) * 4).regex(BASE64, 'must be base64');

export const syncIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be 1–64 url-safe characters');
export const organisationIdSchema = syncIdSchema;
export const siteIdSchema = syncIdSchema;
export const deskIdSchema = syncIdSchema;
/** Raw 32-byte Ed25519 public key, base64. */
export const signPublicKeySchema = base64Bytes(32);
/** Raw 32-byte X25519 public key, base64. */
export const boxPublicKeySchema = base64Bytes(32);
/** Raw 64-byte Ed25519 signature, base64. */
export const signatureSchema = base64Bytes(64);
/** A short non-personal label (a site or counter name such as 售票厅 1), shown to managers. */
export const labelSchema = z
  .string()
  .min(1)
  .max(80)
  .refine((text) => ![...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), 'must not contain control characters');
/** An opaque, per-site pull position. Start with `INITIAL_CURSOR`. */
export const cursorSchema = z.string().max(40).regex(/^\d+$/, 'must be a cursor from the server');
export const INITIAL_CURSOR = '0';

export const DESK_STATES = ['pending', 'active', 'revoked'] as const;
export const deskStateSchema = z.enum(DESK_STATES);

// ---- errors ----

/** Every refusal carries one of these codes; the HTTP status is always 4xx for the caller's faults. */
export const SYNC_ERROR_CODES = [
  'bad_request', // body, query or headers fail the schema (message names the field)
  'body_too_large',
  'unsupported_media_type',
  'not_found', // no such route
  'method_not_allowed',
  'unauthenticated', // missing or malformed signature headers
  'bad_signature',
  'clock_skew', // timestamp outside SIGNATURE_WINDOW_MS
  'replayed', // nonce already used
  'unknown_desk',
  'desk_pending', // enrolled but not yet approved
  'desk_revoked',
  'forbidden', // e.g. acting on another organisation
  'unknown_site',
  'already_exists',
  'op_rejected', // used in push results: bad op signature, wrong device, or conflicting duplicate
  'rate_limited',
  'internal', // 500: never carries detail
  'blob_missing', // an attachment blob (or a piece of it) the server does not hold (yet)
] as const;
export const syncErrorCodeSchema = z.enum(SYNC_ERROR_CODES);
export type SyncErrorCode = z.infer<typeof syncErrorCodeSchema>;

export const errorResponseSchema = z.object({
  error: z.object({
    code: syncErrorCodeSchema,
    /** English, for logs and developers; never contains a request value. */
    message: z.string().max(500),
    /** The field at fault, as a dotted path, when there is one. */
    field: z.string().max(200).optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

// ---- ops ----

const HLC_TEXT = /^\d{15}-\d{5}-[A-Za-z0-9_-]+$/;

/** One op as pushed and pulled: header in clear, payload sealed. */
export const wireOpSchema = z.object({
  opId: z.string().min(4).max(64).regex(/^[A-Za-z0-9_-]+$/),
  siteId: siteIdSchema,
  /** The desk that wrote the op (the op log's device id). */
  deviceId: deskIdSchema,
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  hlc: z.string().max(120).regex(HLC_TEXT),
  entity: z.string().min(1).max(40).regex(/^[a-z_]+$/),
  /** `:` appears in paper sheet ids (`<batch id>:<serial>`). */
  entityId: z.string().min(1).max(80).regex(/^[A-Za-z0-9_:-]+$/),
  kind: z.string().min(1).max(60).regex(/^[A-Za-z0-9_.:-]+$/).optional(),
  schemaVersion: z.number().int().positive().max(1_000_000),
  /** Version of the organisation's data key that sealed the payload. */
  keyVersion: z.number().int().positive().max(1_000_000),
  /** Length of the plaintext payload, bytes. */
  payloadBytes: z.number().int().nonnegative().max(SYNC_LIMITS.ciphertextChars),
  /** AES-256-GCM nonce (12 bytes), base64. */
  nonce: base64Bytes(12),
  /** AES-256-GCM ciphertext with its 16-byte tag appended, base64. */
  ciphertext: base64(SYNC_LIMITS.ciphertextChars).min(4),
  /**
   * Ed25519 signature of the writing desk over `opSigningInput(op)` — ops signed one by one (before
   * batch signatures, decision 0022; still accepted and still verified).
   */
  signature: signatureSchema.optional(),
  /**
   * The manifest that signs this op instead (`OpManifest.manifestId`): the writing desk signed the
   * list of its push's op hashes once, and this op's hash is in it. An op carries a signature or a
   * manifest id; one with neither never verifies.
   */
  manifestId: z.string().length(64).regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits').optional(),
});
export type WireOp = z.infer<typeof wireOpSchema>;

/** SHA-256 of `opSigningInput(op)`, base64: what a manifest lists for each op. */
export const opHashSchema = base64Bytes(32);

/**
 * A batch signature (decision 0022): the writing desk lists the hashes of one push's ops and signs
 * the list once with its Ed25519 key. `manifestId` is the hex SHA-256 of `manifestSigningInput`, so
 * a manifest is named by what it says. The server stores manifests beside the ops and hands a pull
 * page the manifests its ops name; the puller verifies each manifest once and each op's hash
 * against it. The server cannot forge or alter an op (it holds no desk's private key), nor can one
 * desk sign for another (the manifest's device must be the op's).
 */
export const opManifestSchema = z.object({
  manifestId: z.string().length(64).regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
  siteId: siteIdSchema,
  deviceId: deskIdSchema,
  opHashes: z.array(opHashSchema).min(1).max(SYNC_LIMITS.pushOps),
  /** Ed25519 signature of `deviceId` over `manifestSigningInput(manifest)`. */
  signature: signatureSchema,
});
export type OpManifest = z.infer<typeof opManifestSchema>;

/** The exact text a desk signs for a manifest (UTF-8 encoded); its SHA-256 (hex) is the manifest id. */
export function manifestSigningInput(manifest: Pick<OpManifest, 'siteId' | 'deviceId' | 'opHashes'>): string {
  return ['intake-desk-manifest-v1', manifest.siteId, manifest.deviceId, String(manifest.opHashes.length), ...manifest.opHashes].join('\n');
}

/** The exact text a desk signs for an op (UTF-8 encoded): every header field, the nonce and the ciphertext. */
export function opSigningInput(op: Omit<WireOp, 'signature' | 'manifestId'>): string {
  return [
    'intake-desk-op-v1',
    op.opId,
    op.siteId,
    op.deviceId,
    String(op.seq),
    op.hlc,
    op.entity,
    op.entityId,
    op.kind ?? '',
    String(op.schemaVersion),
    String(op.keyVersion),
    String(op.payloadBytes),
    op.nonce,
    op.ciphertext,
  ].join('\n');
}

// ---- health ----

/** `GET /health` (unsigned). */
export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  /** The server's package version. */
  version: z.string().max(40),
  api: z.number().int(),
  /** Server clock, ms since the epoch (lets a desk warn about its own clock). */
  time: z.number().int(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

// ---- organisation, site, desks ----

export const deskKeysSchema = z.object({
  deskId: deskIdSchema,
  signPublicKey: signPublicKeySchema,
  boxPublicKey: boxPublicKeySchema,
  label: labelSchema.optional(),
});
export type DeskKeys = z.infer<typeof deskKeysSchema>;

/** `POST /v1/register` (self-signed by `desk`): a new organisation, its first site, and that site's first desk (active). */
export const registerRequestSchema = z.object({
  organisationId: organisationIdSchema,
  organisationLabel: labelSchema.optional(),
  siteId: siteIdSchema,
  siteLabel: labelSchema.optional(),
  desk: deskKeysSchema,
  /** Required when the server was started with a registration token. */
  registrationToken: z.string().max(200).optional(),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const siteSchema = z.object({ organisationId: organisationIdSchema, siteId: siteIdSchema, label: labelSchema.nullable(), createdAt: z.number().int() });
export type Site = z.infer<typeof siteSchema>;

export const deskSchema = z.object({
  siteId: siteIdSchema,
  deskId: deskIdSchema,
  signPublicKey: signPublicKeySchema,
  boxPublicKey: boxPublicKeySchema,
  label: labelSchema.nullable(),
  state: deskStateSchema,
  createdAt: z.number().int(),
  /** When it became active / was revoked, if it did. */
  activatedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});
export type Desk = z.infer<typeof deskSchema>;

export const registerResponseSchema = z.object({ site: siteSchema, desk: deskSchema });
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

/** `POST /v1/sites` (signed by an active desk of the organisation): another site of the same organisation. */
export const createSiteRequestSchema = z.object({ siteId: siteIdSchema, label: labelSchema.optional() });
export const createSiteResponseSchema = z.object({ site: siteSchema });

/**
 * `POST /v1/desks/enrol` (self-signed by the new desk; the `x-intake-site` header names the site it
 * joins): records the desk as `pending`. The desk then shows its pairing code (desk id + X25519 key).
 */
export const enrolRequestSchema = z.object({ siteId: siteIdSchema, desk: deskKeysSchema });
export const enrolResponseSchema = z.object({ desk: deskSchema });

/** `GET /v1/desks` (signed by any pending or active desk of the site): the site's desks, for pairing and revoking. */
export const listDesksResponseSchema = z.object({ desks: z.array(deskSchema).max(10_000) });

/**
 * A keyring (or one data-key version) sealed for one desk by another; opaque to the server.
 * The desk side chooses the algorithm (e.g. X25519 + HKDF + AES-256-GCM) and names it.
 */
export const wrappedKeySchema = z.object({
  recipientDeskId: deskIdSchema,
  keyVersion: z.number().int().positive().max(1_000_000),
  wrappedBy: deskIdSchema,
  algorithm: z.string().min(1).max(60).regex(/^[A-Za-z0-9._+-]+$/),
  ephemeralPublicKey: boxPublicKeySchema.optional(),
  nonce: base64(64),
  ciphertext: base64(16 * 1024).min(4),
});
export type WrappedKey = z.infer<typeof wrappedKeySchema>;

/**
 * `POST /v1/desks/approve` (signed by an active desk of the same organisation): makes a pending desk
 * active and stores the keyring wrapped for it. Approving an active desk only adds the keys.
 */
export const approveRequestSchema = z.object({
  deskId: deskIdSchema,
  keys: z.array(wrappedKeySchema).min(1).max(SYNC_LIMITS.keyringEntries),
});
export const approveResponseSchema = z.object({ desk: deskSchema });

/** `POST /v1/keyring` (signed by an active desk): add wrapped keys for desks of the site, e.g. after rotating the data key. */
export const putKeysRequestSchema = z.object({ keys: z.array(wrappedKeySchema).min(1).max(SYNC_LIMITS.keyringEntries) });
export const putKeysResponseSchema = z.object({ stored: z.number().int().nonnegative() });

/** `GET /v1/keyring` (signed by a pending or active desk): the keys wrapped for the calling desk. Empty until approved. */
export const getKeysResponseSchema = z.object({ keys: z.array(wrappedKeySchema).max(10_000) });

/** `POST /v1/desks/revoke` (signed by an active desk of the site's organisation; the desk side checks the manager). */
export const revokeRequestSchema = z.object({ deskId: deskIdSchema });
export const revokeResponseSchema = z.object({ desk: deskSchema });

// ---- push and pull ----

/** `POST /v1/ops/push` (signed by the active desk that wrote every op; all ops of the header's site). */
export const pushRequestSchema = z.object({
  ops: z.array(wireOpSchema).min(1).max(SYNC_LIMITS.pushOps),
  /** The manifests that sign this push's ops (decision 0022): at most a few, each of this desk. */
  manifests: z.array(opManifestSchema).max(SYNC_LIMITS.pushManifests).optional(),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResponseSchema = z.object({
  /** Ops newly stored by this request. */
  stored: z.number().int().nonnegative(),
  /** Ops the server already held (same device + seq + op id): harmless. */
  duplicates: z.number().int().nonnegative(),
  /**
   * The highest sequence N such that the server holds every op 1..N of the device. The desk drops
   * outbox entries up to N only.
   */
  acked: z.array(z.object({ deviceId: deskIdSchema, highestContiguousSeq: z.number().int().nonnegative() })),
  /** Ops refused (bad signature, another desk's op, a different op at a held device + seq). */
  rejected: z.array(z.object({ opId: z.string().max(64), seq: z.number().int(), code: syncErrorCodeSchema, message: z.string().max(200) })),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** `GET /v1/ops/pull?cursor=C&limit=L` (signed by an active desk): the site's ops after cursor C, in cursor order. */
export const pullQuerySchema = z.object({
  cursor: cursorSchema.default(INITIAL_CURSOR),
  limit: z.coerce.number().int().min(1).max(SYNC_LIMITS.pullOps).default(SYNC_LIMITS.pullOps),
});
export type PullQuery = z.infer<typeof pullQuerySchema>;

export const pulledOpSchema = wireOpSchema.extend({ cursor: cursorSchema });
export type PulledOp = z.infer<typeof pulledOpSchema>;

export const pullResponseSchema = z.object({
  ops: z.array(pulledOpSchema).max(SYNC_LIMITS.pullOps),
  /** Pass this as `cursor` next time (equal to the request's when nothing new). */
  nextCursor: cursorSchema,
  /** True when more ops are waiting after `nextCursor`. */
  more: z.boolean(),
  /** The manifests the page's ops name (`WireOp.manifestId`); a page names at most `pullManifests`. */
  manifests: z.array(opManifestSchema).max(SYNC_LIMITS.pullManifests).optional(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

/** `GET /v1/ops/digest` (signed by an active desk): what the server holds per device of the site, to find gaps. */
export const digestResponseSchema = z.object({
  devices: z.array(
    z.object({
      deviceId: deskIdSchema,
      /** Ops held from this device. */
      count: z.number().int().nonnegative(),
      highestContiguousSeq: z.number().int().nonnegative(),
      highestSeq: z.number().int().nonnegative(),
    }),
  ),
  /** The site's latest cursor. */
  cursor: cursorSchema,
});
export type DigestResponse = z.infer<typeof digestResponseSchema>;

// ---- attachment blobs (scans) ----

/**
 * A scan travels as a blob: the desk seals the attachment under the site's data key (the server
 * never holds it) and sends the sealed bytes in pieces of at most `blobChunkBytes`, each addressed by
 * site (from the signature headers), blob id (the attachment's content id on the desk that stored it)
 * and piece index. Pieces are immutable: the same piece again is a no-op, a different one a conflict.
 */
export const blobIdSchema = z.string().max(64).regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits');

/** `POST /v1/blobs` (signed by an active desk). */
export const putBlobRequestSchema = z.object({
  blobId: blobIdSchema,
  index: z.number().int().min(0).max(SYNC_LIMITS.blobChunks - 1),
  count: z.number().int().min(1).max(SYNC_LIMITS.blobChunks),
  data: base64(Math.ceil(SYNC_LIMITS.blobChunkBytes / 3) * 4).min(4),
}).refine((body) => body.index < body.count, { path: ['index'], message: 'index must be below count' });
export type PutBlobRequest = z.infer<typeof putBlobRequestSchema>;
export const putBlobResponseSchema = z.object({
  /** Pieces of this blob the server now holds, of `count`. */
  held: z.number().int().nonnegative(),
  count: z.number().int().positive(),
});

/** `GET /v1/blobs?blobId=B&index=I` (signed by an active desk of the same site). */
export const getBlobQuerySchema = z.object({ blobId: blobIdSchema, index: z.coerce.number().int().min(0).max(SYNC_LIMITS.blobChunks - 1) });
export const getBlobResponseSchema = z.object({ count: z.number().int().positive(), data: base64(Math.ceil(SYNC_LIMITS.blobChunkBytes / 3) * 4) });

/** Every endpoint, for both sides' clients and the server's routing table. */
export const SYNC_ENDPOINTS = {
  health: { method: 'GET', path: '/health', signed: false, request: null, response: healthResponseSchema },
  register: { method: 'POST', path: '/v1/register', signed: 'self', request: registerRequestSchema, response: registerResponseSchema },
  createSite: { method: 'POST', path: '/v1/sites', signed: true, request: createSiteRequestSchema, response: createSiteResponseSchema },
  enrol: { method: 'POST', path: '/v1/desks/enrol', signed: 'self', request: enrolRequestSchema, response: enrolResponseSchema },
  listDesks: { method: 'GET', path: '/v1/desks', signed: true, request: null, response: listDesksResponseSchema },
  approve: { method: 'POST', path: '/v1/desks/approve', signed: true, request: approveRequestSchema, response: approveResponseSchema },
  revoke: { method: 'POST', path: '/v1/desks/revoke', signed: true, request: revokeRequestSchema, response: revokeResponseSchema },
  putKeys: { method: 'POST', path: '/v1/keyring', signed: true, request: putKeysRequestSchema, response: putKeysResponseSchema },
  getKeys: { method: 'GET', path: '/v1/keyring', signed: true, request: null, response: getKeysResponseSchema },
  push: { method: 'POST', path: '/v1/ops/push', signed: true, request: pushRequestSchema, response: pushResponseSchema },
  pull: { method: 'GET', path: '/v1/ops/pull', signed: true, request: pullQuerySchema, response: pullResponseSchema },
  digest: { method: 'GET', path: '/v1/ops/digest', signed: true, request: null, response: digestResponseSchema },
  putBlob: { method: 'POST', path: '/v1/blobs', signed: true, request: putBlobRequestSchema, response: putBlobResponseSchema },
  getBlob: { method: 'GET', path: '/v1/blobs', signed: true, request: getBlobQuerySchema, response: getBlobResponseSchema },
} as const;
