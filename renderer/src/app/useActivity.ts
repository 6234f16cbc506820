/**
 * Tells the core that someone is working at the desk (keyboard, mouse), throttled, so its idle lock
 * counts from real activity and not only from calls.
 */
import { useEffect } from 'react';
import { api } from '../lib/api';

export function useActivityHeartbeat(idleLockMs: number): void {
  useEffect(() => {
    const interval = Math.min(30_000, Math.max(1_000, Math.floor(idleLockMs / 4)));
    let lastSent = Date.now();
    const onActivity = (): void => {
      if (Date.now() - lastSent < interval) return;
      lastSent = Date.now();
      void api.call('auth.heartbeat');
    };
    const events = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart'] as const;
    for (const event of events) window.addEventListener(event, onActivity, { passive: true });
    return () => {
      for (const event of events) window.removeEventListener(event, onActivity);
    };
  }, [idleLockMs]);
}
