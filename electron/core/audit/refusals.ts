/**
 * Refused calls in the audit log without flooding it: per client and kind of refusal, the first one
 * in a window is written in full; later ones in the same window are only counted, and one
 * `audit.refusals` entry sums them up when the window ends (or the client goes away). A client
 * hammering a forbidden method or guessing usernames adds two entries a minute, not thousands.
 */
import type { Clock } from '../context';
import type { AuditDetails, AuditLog } from './audit-log';

export const REFUSAL_WINDOW_MS = 60_000;

interface Window {
  clientId: string;
  staffId: string | null;
  action: string;
  firstAt: number;
  lastAt: number;
  /** Refusals after the first one (the first is already written in full). */
  more: number;
}

export class RefusalLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly audit: AuditLog,
    private readonly now: Clock,
    private readonly windowMs = REFUSAL_WINDOW_MS,
  ) {}

  record(clientId: string, staffId: string | null, action: string, target: string | null, details: AuditDetails): void {
    const key = JSON.stringify([clientId, staffId, action]);
    const now = this.now();
    const open = this.windows.get(key);
    if (open && now - open.firstAt < this.windowMs) {
      open.more += 1;
      open.lastAt = now;
      return;
    }
    if (open) this.close(key, open);
    this.audit.append(staffId, action, target, details);
    this.windows.set(key, { clientId, staffId, action, firstAt: now, lastAt: now, more: 0 });
  }

  /** Sum up the windows of one client (it disconnected). */
  flush(clientId: string): void {
    for (const [key, window] of this.windows) if (window.clientId === clientId) this.close(key, window);
  }

  /** Sum up every window that has ended; called by the core's periodic upkeep. */
  flushEnded(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (now - window.firstAt >= this.windowMs) this.close(key, window);
  }

  private close(key: string, window: Window): void {
    this.windows.delete(key);
    if (window.more === 0) return;
    this.audit.append(window.staffId, 'audit.refusals', null, { action: window.action, more: window.more, from: window.firstAt, to: window.lastAt });
  }
}
