/**
 * Every kind of op the log knows, registered by the feature that owns it: the log imports none of
 * them (electron/core/oplog/types.ts is the shared vocabulary), so there is no import cycle.
 */
import { CUSTOMER_OPS, INTAKE_OPS } from './customers/projectors';
import { ONLINE_ATTEMPT_OPS, ONLINE_SUBMISSION_OPS } from './online/online-projector';
import { CONFIG_OPS, STAFF_OPS } from './oplog/projectors';
import type { OpKinds } from './oplog/types';
import { PAPER_BATCH_OPS, PAPER_SHEET_OPS } from './paper/batch-projector';
import { PAPER_DECISION_OPS, PAPER_ENTRY_OPS } from './paper/transcription-projector';
import { REVIEW_EVENT_OPS } from './review/projector';
import { SCAN_OPS } from './paper/scan-projector';

export const OP_KINDS: OpKinds = {
  staff: STAFF_OPS,
  config: CONFIG_OPS,
  customer: CUSTOMER_OPS,
  intake: INTAKE_OPS,
  review_event: REVIEW_EVENT_OPS,
  paper_batch: PAPER_BATCH_OPS,
  paper_sheet: PAPER_SHEET_OPS,
  paper_entry: PAPER_ENTRY_OPS,
  paper_decision: PAPER_DECISION_OPS,
  scan: SCAN_OPS,
  online_submission: ONLINE_SUBMISSION_OPS,
  online_attempt: ONLINE_ATTEMPT_OPS,
};
