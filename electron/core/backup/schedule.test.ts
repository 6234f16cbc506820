import { describe, expect, it } from 'vitest';
import { DRILL_INTERVAL_MS, backupDue, drillDue, lastScheduledAt } from './schedule';

// Local-time instants built from parts, so the tests hold in every time zone.
const at = (day: number, hours: number, minutes = 0): number => new Date(2026, 5, day, hours, minutes).getTime();

describe('backup schedule', () => {
  it('finds the latest daily time at or before now', () => {
    expect(lastScheduledAt(at(15, 9), '02:30')).toBe(at(15, 2, 30));
    expect(lastScheduledAt(at(15, 1), '02:30')).toBe(at(14, 2, 30));
    expect(lastScheduledAt(at(15, 2, 30), '02:30')).toBe(at(15, 2, 30));
  });

  it('is due once a day at the manager time, not again after that day’s backup', () => {
    expect(backupDue(at(15, 2, 29), '02:30', at(14, 2, 31))).toBe(false);
    expect(backupDue(at(15, 2, 30), '02:30', at(14, 2, 31))).toBe(true);
    expect(backupDue(at(15, 2, 31), '02:30', at(15, 2, 30))).toBe(false);
  });

  it('is due at the first start after a missed day, and with no backup yet', () => {
    // Desk was off from the 12th to the 15th at 08:00: the missed backups are caught up once.
    expect(backupDue(at(15, 8), '02:30', at(12, 2, 30))).toBe(true);
    expect(backupDue(at(15, 8), '02:30', undefined)).toBe(true);
  });

  it('reminds about a drill when none ran for 30 days', () => {
    expect(drillDue(at(15, 9), undefined)).toBe(true);
    expect(drillDue(at(15, 9), at(15, 9) - DRILL_INTERVAL_MS + 1)).toBe(false);
    expect(drillDue(at(15, 9), at(15, 9) - DRILL_INTERVAL_MS)).toBe(true);
  });
});
