/**
 * How much review work waits for the signed-in person, and how much of it is due soon or overdue:
 * for the navigation count and the status bar. Refreshed on page changes and every 30 seconds;
 * deadlines themselves are computed by the core from stored timestamps.
 */
import { useEffect, useState } from 'react';
import { REVIEW_CHANGED } from '../features/review/ReviewScreen';
import type { QueueItem, QueueName } from '../../../shared/api/review-contract';
import { api } from '../lib/api';
import { useDesk } from './store';

/** The queues of work for this person (`attention` repeats records that are in one of these). */
const MINE: readonly QueueName[] = ['returnedToMe', 'crossCheck', 'leadApproval', 'finalReview'];

export function useReviewCounts(enabled: boolean, page: string): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const refresh = (): void => {
      void api.call('review.queues').then((result) => {
        if (!current || !result.ok) return;
        // Counts come bounded from the core; deadlines from the first pages, which hold the most urgent.
        const { pages } = result.value;
        const due = (item: QueueItem): boolean => item.deadline !== null && item.deadline.state !== 'ok';
        setCount(MINE.reduce((sum, name) => sum + pages[name].count, 0));
        // Only first pages are read: where one is due from top to bottom and its queue holds more,
        // more may be due beyond it, and the figure is a lower bound ("50+"), never read as exact.
        const more = MINE.some((name) => result.value[name].length > 0 && result.value[name].every(due) && (pages[name].capped || pages[name].cursor !== null));
        useDesk.setState({ dueSoon: MINE.reduce((sum, name) => sum + result.value[name].filter(due).length, 0), dueSoonMore: more });
      });
    };
    refresh();
    const timer = setInterval(refresh, 30_000);
    // The review screen says when it changed the queues: follow at once, not at the next tick.
    window.addEventListener(REVIEW_CHANGED, refresh);
    return () => {
      current = false;
      clearInterval(timer);
      window.removeEventListener(REVIEW_CHANGED, refresh);
    };
  }, [enabled, page]);
  return count;
}
