/** "Due soon": review work of mine whose deadline is near, escalated or past, most urgent first. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QUEUE_NAMES, type QueueItem } from '../../../../shared/api/review-contract';
import { api } from '../../lib/api';
import { DeadlineBadge } from '../review/DeadlineBadge';

export function DueSoonPanel() {
  const { t } = useTranslation();
  const [items, setItems] = useState<Array<QueueItem & { queue: string }>>([]);
  const [loadedAt, setLoadedAt] = useState(0);

  useEffect(() => {
    void api.call('review.queues', { counts: false }).then((result) => {
      if (!result.ok) return;
      // The first page of each queue is its most urgent (docs/decisions/0024): what is due soon is there.
      // `attention` repeats records that are in another queue as well.
      const all = QUEUE_NAMES.filter((queue) => queue !== 'attention').flatMap((queue) => result.value[queue].map((item) => ({ ...item, queue })));
      setItems(all.filter((item) => item.deadline && item.deadline.state !== 'ok').sort((a, b) => (a.deadline?.dueAt ?? 0) - (b.deadline?.dueAt ?? 0)));
      setLoadedAt(Date.now());
    });
  }, []);

  if (items.length === 0) return null;
  return (
    <section className="card card--wide" aria-labelledby="due-soon-title" data-testid="due-soon-panel">
      <h2 id="due-soon-title">{t('review.dueSoonTitle')}</h2>
      <ul className="queue">
        {items.map((item) => (
          <li key={item.intakeId} className="queue__item">
            <strong>{item.customerName}</strong>
            <span>{t(`review.queue.${item.queue}`)}</span>
            <DeadlineBadge deadline={item.deadline} since={item.since} now={loadedAt} />
          </li>
        ))}
      </ul>
    </section>
  );
}
