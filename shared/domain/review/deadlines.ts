/**
 * Deadlines, computed from stored timestamps and the current time only (never timers), so they
 * stay right across restarts and sleep. docs/product.md "Entry": online submissions within 2 hours
 * of receipt (escalate to the lead at 90 minutes); returned records due back within a set time;
 * walk-ins against the site's target.
 */
import type { ReviewStatus } from './machine';

export type DeadlineState = 'ok' | 'due_soon' | 'escalated' | 'breached';

export interface DeadlineSettings {
  onlineDueMinutes: number;
  onlineEscalateMinutes: number;
  returnedDueMinutes: number;
  dueSoonMinutes: number;
}

export const DEFAULT_DEADLINES: DeadlineSettings = { onlineDueMinutes: 120, onlineEscalateMinutes: 90, returnedDueMinutes: 60, dueSoonMinutes: 30 };

export interface Deadline {
  kind: 'online_entry' | 'returned_fix';
  dueAt: number;
  state: DeadlineState;
  minutesLeft: number;
}

const OPEN_FOR_ONLINE: readonly ReviewStatus[] = ['draft', 'pending_cross_check', 'returned'];

export function deadlineOf(
  intake: { source: string; status: ReviewStatus; receivedAt: number; statusSince: number },
  now: number,
  settings: DeadlineSettings = DEFAULT_DEADLINES,
): Deadline | null {
  const minute = 60_000;
  const state = (startedAt: number, dueMinutes: number, escalateMinutes: number | null): Deadline['state'] => {
    const elapsed = (now - startedAt) / minute;
    if (elapsed >= dueMinutes) return 'breached';
    if (escalateMinutes !== null && elapsed >= escalateMinutes) return 'escalated';
    if (dueMinutes - elapsed <= settings.dueSoonMinutes) return 'due_soon';
    return 'ok';
  };
  if (intake.source === 'online' && OPEN_FOR_ONLINE.includes(intake.status)) {
    const dueAt = intake.receivedAt + settings.onlineDueMinutes * minute;
    return { kind: 'online_entry', dueAt, state: state(intake.receivedAt, settings.onlineDueMinutes, settings.onlineEscalateMinutes), minutesLeft: Math.ceil((dueAt - now) / minute) };
  }
  if (intake.status === 'returned' || intake.status === 'rejected') {
    const dueAt = intake.statusSince + settings.returnedDueMinutes * minute;
    return { kind: 'returned_fix', dueAt, state: state(intake.statusSince, settings.returnedDueMinutes, null), minutesLeft: Math.ceil((dueAt - now) / minute) };
  }
  return null;
}
