/** Handlers for paper-form batches (issue 13); merged into HANDLERS. */
import type { OpenBatchInput } from '../../../shared/api/paper-contract';
import { batchDetail, batchFormPdf, formLayout, closeBatch, listBatches, markSheet, openBatch, type Actor } from '../paper/batch-service';
import { awaitingReconciliation, doubleEntrySettings, openTranscription, paperFigures, reconcile, reconciliationView, submitTranscription, updateDoubleEntrySettings, LATE_BATCH_MINUTES, type Choice } from '../paper/transcription-service';
import type { Consent } from '../../../shared/domain/intake/consent';
import type { FieldName, IntakeFields } from '../../../shared/domain/intake/fields';
import type { DoubleEntrySettings } from '../../../shared/domain/paper/double-entry';
import { assignInboxScan, attachUploadedScan, scanImage, scanInbox, scanOriginal, sheetScanId } from '../paper/scan-service';
import { DomainError } from '../errors';
import { RpcFailure } from './failure';
import type { CallContext } from './handlers';

function actorOf(call: CallContext): Actor {
  const staff = call.session ? call.services.staff.byId(call.session.staffId) : undefined;
  if (!staff) throw new RpcFailure('UNAUTHENTICATED', 'sign in first');
  return { staffId: staff.id, role: staff.role };
}

export const PAPER_HANDLERS = {
  'paper.scan.begin': (input: { bytes: number }, call: CallContext) => {
    const uploadId = call.services.ctx.randomId('upl');
    call.services.uploads.begin(uploadId, actorOf(call).staffId, input.bytes);
    return { uploadId };
  },
  'paper.scan.piece': (input: { uploadId: string; index: number; base64: string }, call: CallContext) => {
    call.services.uploads.add(input.uploadId, actorOf(call).staffId, input.index, Buffer.from(input.base64, 'base64'));
    return { received: true as const };
  },
  // The sheet's scan as an image (a PDF's first page rendered at import), for the transcription and cross-check viewers.
  'paper.scan.get': async (input: { batchId: string; serial: number }, call: CallContext) => {
    const image = await scanImage(call.services, actorOf(call).staffId, sheetScanId(call.services, input.batchId, input.serial));
    return { type: image.type, pages: image.pages, base64: image.base64 };
  },
  'paper.scan.attach': (input: { uploadId: string; imageUploadId?: string | undefined; qr?: string | undefined; batchId: string; serial?: number | undefined }, call: CallContext) =>
    attachUploadedScan(call.services, actorOf(call).staffId, input),
  'paper.scan.image': (input: { scanId: string }, call: CallContext) => scanImage(call.services, actorOf(call).staffId, input.scanId),
  'paper.scan.file': (input: { scanId: string }, call: CallContext) => scanOriginal(call.services, actorOf(call).staffId, input.scanId),
  'paper.scan.inbox': (_input: Record<string, never>, call: CallContext) => scanInbox(call.services),
  'paper.scan.assign': (input: { scanId: string; imageUploadId?: string | undefined; qr?: string | undefined; batchId?: string | undefined; serial?: number | undefined }, call: CallContext) =>
    assignInboxScan(call.services, actorOf(call).staffId, input),
  'paper.scanFolder.get': (_input: Record<string, never>, call: CallContext) => call.services.scanFolder.status(),
  'paper.scanFolder.set': (input: { folder: string | null }, call: CallContext) => {
    const actor = actorOf(call);
    if (actor.role !== 'manager') throw new DomainError('FORBIDDEN', 'only a manager sets the scanner folder');
    return call.services.scanFolder.configure(actor.staffId, input.folder);
  },
  'paper.scanFolder.check': (_input: Record<string, never>, call: CallContext) => call.services.scanFolder.tick(),
  'paper.batch.open': (input: OpenBatchInput, call: CallContext) => openBatch(call.services, actorOf(call), input),
  'paper.batch.list': (input: { open: boolean }, call: CallContext) => listBatches(call.services, input.open),
  'paper.batch.get': (input: { batchId: string }, call: CallContext) => batchDetail(call.services, input.batchId),
  'paper.sheet.mark': (input: { batchId: string; serial: number; state: 'void' | 'missing'; reason: string }, call: CallContext) => markSheet(call.services, actorOf(call), input),
  'paper.form.pdf': (input: { batchId: string; language: 'zh-CN' | 'en' }, call: CallContext) => batchFormPdf(call.services, actorOf(call).staffId, input.batchId, input.language),
  'paper.transcribe.open': (input: { batchId: string; serial: number }, call: CallContext) => openTranscription(call.services, actorOf(call).staffId, input),
  'paper.transcribe.submit': (input: { draftId: string; fields: IntakeFields; consent: Consent; customerId: string | null; cleared: FieldName[]; blankOnForm: FieldName[] }, call: CallContext) => submitTranscription(call.services, actorOf(call).staffId, input),
  'paper.reconcile.list': (_input: Record<string, never>, call: CallContext) => awaitingReconciliation(call.services, actorOf(call)),
  'paper.reconcile.get': (input: { batchId: string; serial: number }, call: CallContext) => reconciliationView(call.services, actorOf(call), input.batchId, input.serial),
  'paper.reconcile.decide': (input: { batchId: string; serial: number; choices: Record<string, Choice> }, call: CallContext) => reconcile(call.services, actorOf(call), input),
  'paper.doubleEntry.get': (_input: Record<string, never>, call: CallContext) => doubleEntrySettings(call.services),
  'paper.doubleEntry.update': (input: DoubleEntrySettings, call: CallContext) => updateDoubleEntrySettings(call.services, actorOf(call).staffId, input),
  'paper.figures': (input: { days: number }, call: CallContext) => ({ ...paperFigures(call.services, input.days), lateBatches: listBatches(call.services, true).filter((batch) => batch.ageMinutes >= LATE_BATCH_MINUTES) }),
  'paper.form.layout': (input: { language: 'zh-CN' | 'en' }, call: CallContext) => formLayout(call.services, input.language),
  'paper.batch.close': (input: { batchId: string }, call: CallContext) => closeBatch(call.services, actorOf(call), input.batchId),
};
