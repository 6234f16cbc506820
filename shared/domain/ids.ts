/** Record ids (`<prefix>_<10–40 url-safe characters>`), one pattern for every kind of record. */
import { z } from 'zod';

export const ID_PREFIXES = { customer: 'cus', intake: 'itk', draft: 'drf', staff: 'stf', reviewEvent: 'rev', op: 'op', device: 'dev', paperBatch: 'pbt' } as const;

export function recordIdSchema(prefix: (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES]) {
  return z.string().max(48).regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{10,40}$`));
}

export const customerIdSchema = recordIdSchema(ID_PREFIXES.customer);
export const intakeIdSchema = recordIdSchema(ID_PREFIXES.intake);
export const draftIdSchema = recordIdSchema(ID_PREFIXES.draft);
export const staffIdSchema = recordIdSchema(ID_PREFIXES.staff);
export const paperBatchIdSchema = recordIdSchema(ID_PREFIXES.paperBatch);
