/**
 * Showing one masked field of a record under review in full (docs/decisions/0007-masks-that-do-not-add-up.md).
 * A value leaves the core unmasked only to someone allowed to see it and only with an audited reason:
 * - the colleague who is to cross-check the record (assigned to them, or unassigned and they are an
 *   eligible checker): the assignment is the reason, one key per field, no typed reason;
 * - the enterer of a returned record, for the fields the checker noted: the note is the reason;
 * - a role with `customer.reveal` (lead, manager): with a typed reason.
 * Everyone else sees the masks only. Every reveal is one field and one audit entry.
 */
import { reasonProblem } from '../../../shared/domain/reason';
import { hasPermission } from '../../../shared/domain/auth/roles';
import type { IntakeFields } from '../../../shared/domain/intake/fields';
import { MASKED_FIELDS, type MaskedField } from '../../../shared/domain/masking';
import { deriveTolerant } from '../../../shared/domain/review/attention';
import type { IntakeRow } from '../customers/customer-repo';
import { DomainError } from '../errors';
import type { Services } from '../services';
import { statementsFor } from '../db/statements';
import type { Db } from '../db/connection';
import { eligibleCheckers, eventsOf, policy } from './review-service';

const q = statementsFor((db: Db) => ({ intake: db.prepare('SELECT * FROM intakes WHERE id = ?') }));

type Basis = 'assigned_check' | 'return_note' | 'reason';
export interface RevealOptions {
  mode: 'key' | 'reason' | 'none';
  fields: MaskedField[];
}

function basisFor(services: Services, staffId: string, intake: IntakeRow & { assigned_to?: string | null }, returnNotes: Record<string, string>): { basis: Basis; fields: readonly MaskedField[] } | null {
  const staff = services.staff.byId(staffId);
  if (!staff?.active) return null;
  const assignee = intake.assigned_to ?? null;
  // An unassigned check is open to every eligible colleague, so taking it up is the assignment.
  if (intake.status === 'pending_cross_check' && (assignee === staffId || assignee === null) && eligibleCheckers(services, intake).some((checker) => checker.id === staffId)) {
    return { basis: 'assigned_check', fields: MASKED_FIELDS };
  }
  if ((intake.status === 'returned' || intake.status === 'rejected') && intake.entered_by === staffId && staff.certified) {
    const noted = MASKED_FIELDS.filter((field) => Boolean(returnNotes[field]));
    if (noted.length > 0) return { basis: 'return_note', fields: noted };
  }
  if (hasPermission(staff.role, 'customer.reveal')) return { basis: 'reason', fields: MASKED_FIELDS };
  return null;
}

/** What the review screen offers this person for this record (only fields that hold a value). */
export function revealOptions(services: Services, staffId: string, intake: IntakeRow, returnNotes: Record<string, string>): RevealOptions {
  const found = basisFor(services, staffId, intake, returnNotes);
  if (!found) return { mode: 'none', fields: [] };
  const fields = JSON.parse(intake.fields) as IntakeFields;
  return { mode: found.basis === 'reason' ? 'reason' : 'key', fields: found.fields.filter((field) => fields[field] !== '') };
}

export function revealIntakeField(services: Services, staffId: string, input: { intakeId: string; field: MaskedField; reason: string }): { value: string } {
  const intake = q(services.ctx.db).intake.get(input.intakeId) as IntakeRow | undefined;
  if (!intake) throw new DomainError('NOT_FOUND', 'no such intake');
  const { returnNotes } = deriveTolerant(eventsOf(services, input.intakeId), policy(services));
  const found = basisFor(services, staffId, intake, returnNotes);
  if (!found || !found.fields.includes(input.field)) throw new DomainError('FORBIDDEN', 'you may not see this value in full', undefined, { refusal: 'reveal_not_allowed' });
  const reason = input.reason.trim();
  const problem = found.basis === 'reason' ? reasonProblem(reason) : null;
  if (problem) throw new DomainError('VALIDATION', 'say why this value is needed', { reason: problem });
  const fields = JSON.parse(intake.fields) as IntakeFields;
  services.audit.append(staffId, 'review.reveal', input.intakeId, { field: input.field, basis: found.basis, ...(found.basis === 'reason' ? { reason } : {}) });
  return { value: fields[input.field] };
}
