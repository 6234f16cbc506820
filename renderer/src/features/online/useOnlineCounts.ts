/**
 * How many online submissions wait, and (for a lead) how many are past 90 minutes: for the
 * navigation, refreshed on page changes and every 30 seconds. The core computes the deadlines from
 * the server's receipt times and records escalations and breaches as it answers.
 */
import { useEffect, useState } from 'react';
import { api } from '../../lib/api';

export function useOnlineCounts(enabled: boolean, page: string): { waiting: number; alerts: number } {
  const [counts, setCounts] = useState({ waiting: 0, alerts: 0 });
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const refresh = (): void => {
      void api.call('online.queue').then((result) => {
        if (current && result.ok) setCounts({ waiting: result.value.items.length, alerts: result.value.alerts });
      });
    };
    refresh();
    const timer = setInterval(refresh, 30_000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [enabled, page]);
  return counts;
}
