/**
 * When backups and drills are due. Pure functions of an injected clock: a daily backup at the
 * manager's local time, caught up at the first start after a missed day; a drill every 30 days.
 */
export const DRILL_INTERVAL_MS = 30 * 24 * 60 * 60 * 1000;
/** After a failed scheduled backup (disk unplugged), wait this long before trying again. */
export const RETRY_AFTER_FAILURE_MS = 15 * 60 * 1000;

/** The most recent instant at or before `now` whose local time is `dailyAt` ("HH:MM"). */
export function lastScheduledAt(now: number, dailyAt: string): number {
  const [hours, minutes] = dailyAt.split(':').map(Number);
  const at = new Date(now);
  at.setHours(hours ?? 0, minutes ?? 0, 0, 0);
  if (at.getTime() > now) at.setDate(at.getDate() - 1);
  return at.getTime();
}

/** Due when no backup was taken since the latest scheduled time (so a missed day is caught up at start). */
export function backupDue(now: number, dailyAt: string, lastBackupAt: number | undefined): boolean {
  return lastBackupAt === undefined || lastBackupAt < lastScheduledAt(now, dailyAt);
}

export function drillDue(now: number, lastDrillAt: number | undefined): boolean {
  return lastDrillAt === undefined || now - lastDrillAt >= DRILL_INTERVAL_MS;
}
