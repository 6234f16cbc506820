/** A deadline (or the waiting time when there is none), coloured by how urgent it is. */
import { useTranslation } from 'react-i18next';
import type { QueueItem } from '../../../../shared/api/review-contract';

export function DeadlineBadge({ deadline, since, now }: { deadline: QueueItem['deadline']; since: number; now: number }) {
  const { t } = useTranslation();
  if (!deadline) return <span className="muted">{t('review.waiting', { minutes: Math.max(0, Math.floor((now - since) / 60_000)) })}</span>;
  const minutes = deadline.state === 'breached' ? -deadline.minutesLeft : deadline.minutesLeft;
  return (
    <span className={`deadline deadline--${deadline.state}`} title={t(`review.deadline.${deadline.kind}`)} data-testid="deadline">
      {t(`review.deadlineState.${deadline.state}`, { minutes })}
    </span>
  );
}
