/**
 * The wire contract for online submissions (issue 15; docs/decisions/0014-online-submissions.md).
 * Shared by the central server (which serves the customer's page and stores sealed submissions),
 * the page itself, and the desks (which publish the form and pull the sealed submissions).
 *
 * The server never sees a submitted value: the page seals the submission with
 * `shared/online/envelope.ts` to the organisation's submission public key; only enrolled desks hold
 * the private key (in the keyring). The server stores the envelope, the site, the receipt time, a
 * receipt code and a size — nothing else.
 *
 * Desk endpoints (`/v1/online/...`) are signed like every sync endpoint (see sync-contract.ts).
 * Public endpoints (`/form/...`) are not signed; they are rate limited per address and per site.
 *
 * Stability: additive changes only.
 */
import { z } from 'zod';
import { cursorSchema, siteIdSchema } from './sync-contract';
import { submissionEnvelopeSchema } from '../online/envelope';

export const ONLINE_LIMITS = {
  /** Largest body of a public submission, bytes. */
  submissionBodyBytes: 128 * 1024,
  /** Most submissions one pull answers. */
  pullItems: 500,
  /** Most ids one erase request names. */
  eraseIds: 500,
  /** Minutes from receipt by which a submission must be entered and checked (the regulation's 2 hours). */
  processWithinMinutes: 120,
  /** Minutes from receipt at which the group lead is alerted. */
  escalateAtMinutes: 90,
  /** Default days an unprocessed submission is kept before it is erased, leaving a tombstone. */
  retentionDays: 30,
} as const;

/** The public code in the page's address `/form/<siteCode>`: the site id. */
export const siteCodeSchema = siteIdSchema;

/** A receipt code the customer shows at the counter: 8 characters of Crockford base32, shown as XXXX-XXXX. */
export const receiptCodeSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{8}$/, 'must be 8 characters of the receipt alphabet');
export const submissionIdSchema = z.string().max(44).regex(/^sub_[A-Za-z0-9_-]{16,40}$/, 'must be a submission id');

/** One field of the site's form, in the entry screen's order (no personal data: configuration only). */
export const onlineFieldSchema = z.object({
  key: z.string().min(1).max(40).regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  required: z.boolean(),
});

/** What a desk publishes so the page can be served: the submission public key and the form. */
export const publishFormRequestSchema = z.object({
  kid: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  /** Raw uncompressed P-256 public key, base64url (65 bytes). */
  publicRaw: z.string().min(80).max(96).regex(/^[A-Za-z0-9_-]+$/),
  siteLabel: z.string().min(1).max(80),
  fields: z.array(onlineFieldSchema).min(1).max(60),
  consent: z.object({
    version: z.string().min(1).max(40),
    /** The notice in Simplified Chinese and English (plain text, paragraphs separated by blank lines). */
    text: z.object({ 'zh-CN': z.string().min(1).max(20_000), en: z.string().min(1).max(20_000) }),
    idNumberText: z.object({ 'zh-CN': z.string().min(1).max(4_000), en: z.string().min(1).max(4_000) }),
  }),
  retentionDays: z.number().int().min(1).max(365).default(ONLINE_LIMITS.retentionDays),
  /** False closes the page (it then says online registration is not open). */
  open: z.boolean().default(true),
});
export type PublishFormRequest = z.infer<typeof publishFormRequestSchema>;
export const publishFormResponseSchema = z.object({
  siteCode: siteCodeSchema,
  url: z.string().max(400),
  /** A printable poster (HTML, A4) with the page's QR code, served by the server (`GET /form/:siteCode/poster`). */
  posterUrl: z.string().max(400).optional(),
});

/** `GET /form/:siteCode/config` — what the page needs (public; no personal data). */
export const formConfigResponseSchema = publishFormRequestSchema.omit({ retentionDays: true }).extend({
  siteCode: siteCodeSchema,
  processWithinMinutes: z.number().int().positive(),
  serverTime: z.number().int(),
});
export type FormConfig = z.infer<typeof formConfigResponseSchema>;

/** `POST /form/:siteCode/submissions` — public. `website` is the honeypot: humans leave it empty. */
export const submitRequestSchema = z.object({
  envelope: submissionEnvelopeSchema,
  website: z.string().max(200).optional(),
});
export const submitResponseSchema = z.object({
  receiptCode: receiptCodeSchema,
  receivedAt: z.number().int(),
  /** receivedAt + processWithinMinutes. */
  processBy: z.number().int(),
});

/** `GET /v1/online/pull?cursor=&limit=` — signed; new sealed submissions and tombstones of the site, by cursor. */
export const onlinePullQuerySchema = z.object({
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(ONLINE_LIMITS.pullItems).default(ONLINE_LIMITS.pullItems),
});
export const pulledSubmissionSchema = z.object({
  submissionId: submissionIdSchema,
  receiptCode: receiptCodeSchema,
  /** Server clock, ms since the epoch: the deadline runs from here, not from the desk's clock. */
  receivedAt: z.number().int(),
  size: z.number().int().nonnegative(),
  /** Null once erased (a tombstone: processed, or expired after the retention). */
  envelope: submissionEnvelopeSchema.nullable(),
  erasedAt: z.number().int().nullable(),
  cursor: cursorSchema,
});
export type PulledSubmission = z.infer<typeof pulledSubmissionSchema>;
export const onlinePullResponseSchema = z.object({ items: z.array(pulledSubmissionSchema).max(ONLINE_LIMITS.pullItems), nextCursor: cursorSchema, more: z.boolean() });

/** `POST /v1/online/erase` — signed; erase the ciphertext of processed or expired submissions, keeping a tombstone. */
export const onlineEraseRequestSchema = z.object({ submissionIds: z.array(submissionIdSchema).min(1).max(ONLINE_LIMITS.eraseIds) });
export const onlineEraseResponseSchema = z.object({ erased: z.number().int().nonnegative() });

export const ONLINE_ENDPOINTS = {
  page: '/form/:siteCode',
  config: '/form/:siteCode/config',
  submit: '/form/:siteCode/submissions',
  publish: '/v1/online/form',
  pull: '/v1/online/pull',
  erase: '/v1/online/erase',
} as const;
