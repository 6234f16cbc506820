/**
 * The op log's vocabulary, imported by the log and by every feature that registers a kind with it
 * (no feature imports the log's implementation, and the log imports no feature).
 *
 * An op is a header (who, where, when, what entity, which kind and schema version) and a payload
 * (the field changes), kept apart so the payload can be sealed for sync without touching projectors.
 */
import { z } from 'zod';
import type { Db } from '../db/connection';

export const ENTITY_TYPES = ['staff', 'config', 'customer', 'intake', 'review_event', 'paper_batch', 'paper_sheet', 'paper_entry', 'paper_decision', 'scan', 'online_submission', 'online_attempt'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export type FieldValue = string | number | boolean | null;
export type FieldChanges = Record<string, FieldValue>;

const HLC_TEXT = /^\d{15}-\d{5}-[A-Za-z0-9_-]+$/;

export const opHeaderSchema = z.object({
  opId: z.string().min(4).max(64),
  deviceId: z.string().min(1).max(64),
  seq: z.number().int().positive(),
  hlc: z.string().regex(HLC_TEXT),
  entity: z.string().min(1).max(40),
  entityId: z.string().min(1).max(80),
  /** What the op does, which decides how its payload is read; today one kind per entity type. Absent on ops from before kinds. */
  kind: z.string().min(1).max(60).optional(),
  schemaVersion: z.number().int().positive(),
  staffId: z.string().max(80).nullable(),
});
export type OpHeader = z.infer<typeof opHeaderSchema>;

export interface StoredOp extends OpHeader {
  /** The payload: field changes. */
  changes: FieldChanges;
}

export type Projector = (db: Db, op: StoredOp) => void;

/** What a feature registers for one kind of op: how to check its payload, and how to project it. */
export interface OpKind {
  readonly payload: z.ZodType<FieldChanges>;
  readonly project: Projector;
}

export type OpKinds = Readonly<Record<EntityType, OpKind>>;

export const fieldValueSchema = z.union([z.string().max(20_000), z.number(), z.boolean(), z.null()]);

/** A payload of named fields, each from `allowed`. */
export function payloadOf(allowed: readonly string[]): z.ZodType<FieldChanges> {
  const names = new Set(allowed);
  return z.record(z.string(), fieldValueSchema).superRefine((changes, context) => {
    for (const key of Object.keys(changes)) if (!names.has(key)) context.addIssue({ code: 'custom', path: [key], message: `unknown field ${key}` });
  });
}
