/** RPC methods for paper forms (issue 13): batches of numbered sheets and how each is accounted for. */
import { z } from 'zod';
import { paperBatchIdSchema } from '../domain/ids';
import { INPUT_LIMITS } from '../domain/limits';
import { reasonSchema } from '../domain/reason';
import { BATCH_CODE_PATTERN, SERIAL_MAX } from '../domain/paper/serial';
import { method } from './method';
import { draftSchema } from './intake-contract';
import { consentSchema } from '../domain/intake/consent';
import { FIELD_NAMES, intakeFieldsSchema } from '../domain/intake/fields';
import { clearedSchema } from '../domain/intake/changes';
import { customerIdSchema, draftIdSchema, intakeIdSchema } from '../domain/ids';
import { COMPARED_CONSENT, doubleEntrySettingsSchema } from '../domain/paper/double-entry';

/** What double entry compares, and so what a lead decides on: the fields, the consent boxes, the customer chosen. */
const comparedKeySchema = z.enum([...FIELD_NAMES, ...COMPARED_CONSENT.map((box) => `consent.${box}` as const), 'customerId']);

export const PAPER_BATCH_MAX_SHEETS = 1000;
export const SHEET_STATES = ['pending', 'transcribed', 'void', 'missing'] as const;
export type SheetState = (typeof SHEET_STATES)[number];

export const openBatchInputSchema = z
  .object({
    code: z.string().trim().max(20, { message: 'too_long' }).regex(BATCH_CODE_PATTERN, { message: 'batch_code' }),
    place: z.string().trim().min(1, { message: 'required' }).max(INPUT_LIMITS.paperPlace, { message: 'too_long' }),
    collectedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'date_format' }).max(10),
    firstSerial: z.number().int().min(1).max(SERIAL_MAX),
    count: z.number().int().min(1, { message: 'batch_count' }).max(PAPER_BATCH_MAX_SHEETS, { message: 'batch_count' }),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.firstSerial + input.count - 1 > SERIAL_MAX) ctx.addIssue({ code: 'custom', path: ['count'], message: 'batch_count' });
  });
export type OpenBatchInput = z.infer<typeof openBatchInputSchema>;

export const sheetSchema = z.object({
  serial: z.number().int(),
  state: z.enum(SHEET_STATES),
  reason: z.string(),
  intakeId: z.string().nullable(),
  scanId: z.string().nullable(),
  by: z.string(),
  at: z.number(),
  /** Typed by two different staff (blind double entry, the site's setting). */
  doubleEntry: z.boolean().default(false),
  /** Who has transcribed it so far (staff ids; never what they typed). */
  typedBy: z.array(z.string()).default([]),
  /** The two transcriptions differ: it waits for the group lead. */
  reconcile: z.boolean().default(false),
  /**
   * More than one intake names this sheet (two desks, offline, each took its second entry): every
   * one of them, first submitted first, for the lead to keep one and send the others back.
   */
  intakes: z.array(z.string()).optional(),
});

export const batchSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  place: z.string(),
  collectedOn: z.string(),
  firstSerial: z.number().int(),
  count: z.number().int(),
  openedBy: z.string(),
  openedAt: z.number(),
  closedAt: z.number().nullable(),
  /** Minutes since it was opened (open batches), by the desk's clock. */
  ageMinutes: z.number().int(),
  accounted: z.number().int(),
  transcribed: z.number().int(),
});
export type BatchSummary = z.infer<typeof batchSummarySchema>;

/** A piece of a scan: at most 512 KiB of file (base64), so a request stays under the 1 MB limit. */
export const SCAN_PIECE_BYTES = 512 * 1024;
const uploadId = z.string().regex(/^upl_[A-Za-z0-9_-]{10,40}$/).max(48);
/** An attachment's content id (64 hex digits). */
export const attachmentIdSchema = z.string().max(64).regex(/^[0-9a-f]{64}$/);
/** The text of a QR code as read from a scan (ours: `IDF1|site|batch|serial`); checked in the core. */
const scanQr = z.string().max(300);
export const scanFolderStatusSchema = z.object({ folder: z.string().nullable(), imported: z.number().int(), rejected: z.number().int(), lastError: z.string().nullable() });

export const PAPER_METHODS = {
  'paper.scan.begin': method({ input: z.object({ bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(), output: z.object({ uploadId: z.string() }), access: { permission: 'intake.create' }, mutates: false }),
  'paper.scan.piece': method({
    input: z.object({ uploadId, index: z.number().int().min(0).max(1000), base64: z.string().max(Math.ceil(SCAN_PIECE_BYTES / 3) * 4) }).strict(),
    output: z.object({ received: z.literal(true) }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /** The scan attached to a sheet, decrypted for viewing (audited: it shows personal data). */
  'paper.scan.get': method({
    input: z.object({ batchId: paperBatchIdSchema, serial: z.number().int().min(1).max(SERIAL_MAX) }).strict(),
    output: z.object({ type: z.string(), pages: z.number().int(), base64: z.string() }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /**
   * Checks the whole file (type by content, size, EXIF removed), stores it encrypted and attaches it
   * to a sheet of the batch: the serial picked, or the one its QR code names (`qr`, as the screen
   * read it; another site's or batch's form is refused). A PDF comes with `imageUploadId`, the PNG
   * of its first page rendered by pdf.js, stored beside it as the image screens show.
   */
  'paper.scan.attach': method({
    input: z
      .object({ uploadId, imageUploadId: uploadId.optional(), qr: scanQr.optional(), batchId: paperBatchIdSchema, serial: z.number().int().min(1).max(SERIAL_MAX).optional() })
      .strict(),
    output: z.object({ scanId: z.string(), type: z.string(), pages: z.number().int(), serial: z.number().int(), sheets: z.array(sheetSchema) }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /**
   * The image of a scan, for every screen that shows one (transcription, reconciliation, cross-check):
   * a JPEG or PNG as stored, a PDF as the PNG of its first page (`pages` says how many the original
   * has; further pages are only in the original, `paper.scan.file`). Fetched from the sync server
   * when another desk attached it. Each view audited.
   */
  'paper.scan.image': method({
    input: z.object({ scanId: attachmentIdSchema }).strict(),
    output: z.object({ scanId: z.string(), type: z.enum(['image/png', 'image/jpeg']), pages: z.number().int(), base64: z.string(), batchId: z.string().nullable(), serial: z.number().int().nullable() }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /** The original file of a scan (a PDF with all its pages). Each view audited. */
  'paper.scan.file': method({
    input: z.object({ scanId: attachmentIdSchema }).strict(),
    output: z.object({ scanId: z.string(), type: z.string(), pages: z.number().int(), base64: z.string() }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /** Scans taken from the scanner's watched folder that wait for their sheet. */
  'paper.scan.inbox': method({
    input: z.object({}).strict(),
    output: z.array(z.object({ scanId: z.string(), type: z.string(), pages: z.number().int(), fileName: z.string(), importedAt: z.number(), hasImage: z.boolean() })),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /** Attaches an inbox scan to the sheet its QR code names, or the one picked (with a PDF's rendering). */
  'paper.scan.assign': method({
    input: z
      .object({ scanId: attachmentIdSchema, imageUploadId: uploadId.optional(), qr: scanQr.optional(), batchId: paperBatchIdSchema.optional(), serial: z.number().int().min(1).max(SERIAL_MAX).optional() })
      .strict(),
    output: z.object({ batchId: z.string(), serial: z.number().int(), sheets: z.array(sheetSchema) }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /** The scanner's watched folder of this desk: where it is, what was imported and rejected since the desk started. */
  'paper.scanFolder.get': method({ input: z.object({}).strict(), output: scanFolderStatusSchema, access: { permission: 'settings.manage' }, mutates: false }),
  /** A manager sets (or clears, with null) the scanner's folder. */
  'paper.scanFolder.set': method({ input: z.object({ folder: z.string().trim().min(1).max(1000).nullable() }).strict(), output: scanFolderStatusSchema, access: { permission: 'settings.manage' }, mutates: true }),
  /** Looks at the folder now (the desk also looks every 2 seconds): a file is taken on the second look that finds it unchanged. */
  'paper.scanFolder.check': method({ input: z.object({}).strict(), output: z.object({ imported: z.number().int(), rejected: z.number().int() }), access: { permission: 'settings.manage' }, mutates: true }),

  'paper.batch.open': method({ input: openBatchInputSchema, output: batchSummarySchema, access: { permission: 'intake.create' }, mutates: true }),
  'paper.batch.list': method({ input: z.object({ open: z.boolean().default(true) }).strict(), output: z.array(batchSummarySchema), access: 'session', mutates: false }),
  'paper.batch.get': method({ input: z.object({ batchId: paperBatchIdSchema }).strict(), output: z.object({ batch: batchSummarySchema, sheets: z.array(sheetSchema) }), access: { permission: 'intake.create' }, mutates: false }),
  'paper.sheet.mark': method({
    input: z.object({ batchId: paperBatchIdSchema, serial: z.number().int().min(1).max(SERIAL_MAX), state: z.enum(['void', 'missing']), reason: reasonSchema() }).strict(),
    output: z.object({ batch: batchSummarySchema, sheets: z.array(sheetSchema) }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /** The batch's numbered sheets as one PDF (one page per sheet), for printing. */
  'paper.form.pdf': method({
    input: z.object({ batchId: paperBatchIdSchema, language: z.enum(['zh-CN', 'en']).default('zh-CN') }).strict(),
    output: z.object({ fileName: z.string(), pages: z.number().int(), pdfBase64: z.string() }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /** Open (or resume) my transcription of a sheet: a `paper_form` draft holding only what I typed. */
  'paper.transcribe.open': method({
    input: z.object({ batchId: paperBatchIdSchema, serial: z.number().int().min(1).max(SERIAL_MAX) }).strict(),
    output: draftSchema.extend({ doubleEntry: z.boolean() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /** Checked like a walk-in; kept; typed once it is an intake, the second of two is compared field by field. */
  'paper.transcribe.submit': method({
    input: z.object({ draftId: draftIdSchema, fields: intakeFieldsSchema, consent: consentSchema, customerId: customerIdSchema.nullable(), cleared: clearedSchema, blankOnForm: clearedSchema }).strict(),
    output: z.object({ outcome: z.enum(['transcribed', 'awaiting_second', 'agreed', 'disagreed']), intakeId: intakeIdSchema.nullable(), formNo: z.string(), differing: z.number().int() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /** Sheets whose two transcriptions differ (group leads; the core checks the role). */
  'paper.reconcile.list': method({
    input: z.object({}).strict(),
    output: z.array(z.object({ batchId: z.string(), code: z.string(), serial: z.number().int(), formNo: z.string(), typists: z.array(z.string()), fields: z.array(z.string()), at: z.number() })),
    access: { permission: 'review.act' },
    mutates: false,
  }),
  /** Both transcriptions per field: differing ones in full (audited), agreeing ones masked. */
  'paper.reconcile.get': method({
    input: z.object({ batchId: paperBatchIdSchema, serial: z.number().int().min(1).max(SERIAL_MAX) }).strict(),
    output: z.object({
      batchId: z.string(),
      serial: z.number().int(),
      formNo: z.string(),
      typists: z.object({ a: z.string(), b: z.string() }),
      rows: z.array(z.object({ key: z.string(), differs: z.boolean(), a: z.union([z.string(), z.boolean(), z.null()]), b: z.union([z.string(), z.boolean(), z.null()]), aBlankOnForm: z.boolean().optional(), bBlankOnForm: z.boolean().optional() })),
    }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  /** The lead's decision on each differing field: one of the two, or a third value typed from the scan. */
  'paper.reconcile.decide': method({
    input: z
      .object({
        batchId: paperBatchIdSchema,
        serial: z.number().int().min(1).max(SERIAL_MAX),
        choices: z.partialRecord(comparedKeySchema, z.union([z.object({ pick: z.enum(['a', 'b']) }).strict(), z.object({ value: z.string().max(500, { message: 'too_long' }) }).strict()])),
      })
      .strict(),
    output: z.object({ intakeId: intakeIdSchema }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'paper.doubleEntry.get': method({ input: z.object({}).strict(), output: doubleEntrySettingsSchema, access: 'session', mutates: false }),
  'paper.doubleEntry.update': method({ input: doubleEntrySettingsSchema, output: doubleEntrySettingsSchema, access: { permission: 'policy.manage' }, mutates: true }),
  /** For the supervisor: forms per hour, disagreement rates and accuracy, batches open longer than a day. */
  'paper.figures': method({
    input: z.object({ days: z.number().int().min(1).max(366).default(7) }).strict(),
    output: z.object({
      days: z.number().int(),
      staff: z.array(z.object({ staffId: z.string(), staffName: z.string(), forms: z.number().int(), formsPerHour: z.number().nullable(), fieldsCompared: z.number().int(), disagreementRate: z.number().nullable(), accuracy: z.number().nullable() })),
      fields: z.array(z.object({ field: z.string(), compared: z.number().int(), differing: z.number().int(), disagreementRate: z.number() })),
      lateBatches: z.array(batchSummarySchema),
    }),
    access: { permission: 'staff.read' },
    mutates: false,
  }),
  /** Where each field's box sits on the site's printed form (fractions of the page), to highlight it on a scan. */
  'paper.form.layout': method({
    input: z.object({ language: z.enum(['zh-CN', 'en']).default('zh-CN') }).strict(),
    output: z.object({ regions: z.array(z.object({ field: z.string(), x: z.number(), y: z.number(), width: z.number(), height: z.number() })) }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  'paper.batch.close': method({ input: z.object({ batchId: paperBatchIdSchema }).strict(), output: batchSummarySchema, access: { permission: 'intake.create' }, mutates: true }),
} as const;
