/**
 * A span of minutes as people read it (user trial of issue 13: "已超时 43015 分钟" said nothing):
 * under an hour in minutes, under a day in hours and minutes, beyond that in days and hours —
 * 29 天 20 小时. One formatter for every deadline and waiting time shown in minutes.
 */
import type { TFunction } from 'i18next';

const HOUR = 60;
const DAY = 24 * HOUR;

export function formatMinutes(t: TFunction, minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < HOUR) return t('common.elapsed.minutes', { minutes: whole });
  if (whole < DAY) {
    const hours = Math.floor(whole / HOUR);
    const rest = whole % HOUR;
    return rest === 0 ? t('common.elapsed.hours', { hours }) : t('common.elapsed.hoursMinutes', { hours, minutes: rest });
  }
  const days = Math.floor(whole / DAY);
  const hours = Math.floor((whole % DAY) / HOUR);
  return hours === 0 ? t('common.elapsed.days', { days }) : t('common.elapsed.daysHours', { days, hours });
}
