import { describe, expect, it } from 'vitest';
import { deadlineOf } from './deadlines';

const MIN = 60_000;
const received = Date.UTC(2026, 10, 22, 8, 0);

describe('deadlines', () => {
  it('counts an online submission from receipt: due soon, escalated at 90 minutes, breached at 120', () => {
    const at = (minutes: number) => deadlineOf({ source: 'online', status: 'pending_cross_check', receivedAt: received, statusSince: received }, received + minutes * MIN);
    expect(at(10)?.state).toBe('ok');
    expect(at(95)?.state).toBe('escalated');
    expect(at(100)).toMatchObject({ kind: 'online_entry', state: 'escalated', minutesLeft: 20 });
    expect(at(121)).toMatchObject({ state: 'breached', minutesLeft: -1 });
  });

  it('stops counting once the online submission has passed cross-check', () => {
    expect(deadlineOf({ source: 'online', status: 'pending_lead_approval', receivedAt: received, statusSince: received }, received + 200 * MIN)).toBeNull();
  });

  it('gives a returned record a time to come back', () => {
    expect(deadlineOf({ source: 'walk_in', status: 'returned', receivedAt: received, statusSince: received }, received + 45 * MIN)).toMatchObject({ kind: 'returned_fix', state: 'due_soon' });
    expect(deadlineOf({ source: 'walk_in', status: 'returned', receivedAt: received, statusSince: received }, received + 61 * MIN)?.state).toBe('breached');
  });
});
