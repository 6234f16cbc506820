/** A deadline (or the waiting time when there is none), coloured by how urgent it is. */
import { useTranslation } from 'react-i18next';
import type { QueueItem } from '../../../../shared/api/review-contract';
import { formatMinutes } from '../../lib/elapsed';

export function DeadlineBadge({ deadline, since, now }: { deadline: QueueItem['deadline']; since: number; now: number }) {
  const { t } = useTranslation();
  if (!deadline) return <span className="muted">{t('review.waiting', { time: formatMinutes(t, (now - since) / 60_000) })}</span>;
  const minutes = deadline.state === 'breached' ? -deadline.minutesLeft : deadline.minutesLeft;
  return (
    <span className={`deadline deadline--${deadline.state}`} title={t(`review.deadline.${deadline.kind}`)} data-testid="deadline">
      {t(`review.deadlineState.${deadline.state}`, { time: formatMinutes(t, minutes) })}
    </span>
  );
}
