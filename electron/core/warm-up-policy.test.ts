import { describe, expect, it } from 'vitest';
import { WarmUpMoment } from './warm-up-policy';

// When the search warm-up runs after start-up (docs/decisions/0037), over simulated times.
describe('WarmUpMoment', () => {
  const timing = { afterFirstScreenMs: 300, withoutScreenMs: 3_000 };

  it('waits while the first screen loads, and runs once it has been answered and a moment has passed', () => {
    const moment = new WarmUpMoment(1_000, timing);
    expect(moment.due(1_500, true)).toBe(false);
    moment.answered('app.info', 1_600);
    moment.answered('auth.session', 1_610);
    expect(moment.due(1_899, true)).toBe(false);
    expect(moment.due(1_900, true)).toBe(true);
  });

  it('runs once only', () => {
    const moment = new WarmUpMoment(0, timing);
    moment.answered('app.info', 10);
    expect(moment.due(400, true)).toBe(true);
    expect(moment.due(500, true)).toBe(false);
    expect(moment.due(10_000, true)).toBe(false);
  });

  it('never runs while the desk is busy, however long it has waited', () => {
    const moment = new WarmUpMoment(0, timing);
    moment.answered('auth.session', 10);
    expect(moment.due(60_000, false)).toBe(false);
    expect(moment.due(60_001, true)).toBe(true);
  });

  it('does not count other calls as the first screen, and runs anyway when no screen asks', () => {
    const moment = new WarmUpMoment(0, timing);
    moment.answered('customers.search', 10);
    moment.answered(undefined, 20);
    expect(moment.due(2_999, true)).toBe(false);
    expect(moment.due(3_000, true)).toBe(true);
  });
});
