/**
 * How much review work waits for the signed-in person, and how much of it is due soon or overdue:
 * for the navigation count and the status bar. Refreshed on page changes and every 30 seconds;
 * deadlines themselves are computed by the core from stored timestamps.
 */
import { useEffect, useState } from 'react';
import { REVIEW_CHANGED } from '../features/review/ReviewScreen';
import { api } from '../lib/api';
import { useDesk } from './store';

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
        const all = [...result.value.returnedToMe, ...result.value.crossCheck, ...result.value.leadApproval, ...result.value.finalReview];
        setCount(pages.returnedToMe.count + pages.crossCheck.count + pages.leadApproval.count + pages.finalReview.count);
        useDesk.setState({ dueSoon: all.filter((item) => item.deadline && item.deadline.state !== 'ok').length });
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
