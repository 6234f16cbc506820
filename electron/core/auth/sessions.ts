/**
 * Who is signed in on which client (an Electron window or a browser-host cookie), and whether that
 * session is locked. Sessions live in the core's memory only: a restarted core asks people to sign
 * in again, which is the safe default on a shared desk.
 */
export type SessionState = 'active' | 'locked';

export interface Session {
  readonly clientId: string;
  readonly staffId: string;
  state: SessionState;
  lastActivity: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  get(clientId: string): Session | undefined {
    return this.sessions.get(clientId);
  }

  start(clientId: string, staffId: string, now: number): Session {
    const session: Session = { clientId, staffId, state: 'active', lastActivity: now };
    this.sessions.set(clientId, session);
    return session;
  }

  end(clientId: string): void {
    this.sessions.delete(clientId);
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }
}

/** A session idle for at least `idleMs` counts as locked, whether or not a timer noticed it yet. */
export function isIdle(session: Session, now: number, idleMs: number): boolean {
  return session.state === 'active' && now - session.lastActivity >= idleMs;
}
