/** App-wide state: what the desk is, who is signed in, sync status, and notices from the shell. */
import { create } from 'zustand';
import type { MethodOutput, SessionInfo } from '../../../shared/api';
import { api } from '../lib/api';

type AppInfo = MethodOutput<'app.info'>;
export type SyncView = MethodOutput<'sync.status'>;
export type Notice = 'coreRestarted' | 'disconnected' | null;

interface DeskState {
  info: AppInfo | null;
  session: SessionInfo | null;
  lockedByIdle: boolean;
  pending: number;
  /** Review items due soon, escalated or overdue (from the core's deadline computation). */
  dueSoon: number;
  /** A queue's first page was all due and the queue holds more: `dueSoon` is a lower bound ("50+"). */
  dueSoonMore: boolean;
  connected: boolean;
  /** The whole sync status (state, problem, last sync), refreshed every few seconds. */
  sync: SyncView | null;
  notice: Notice;
  loadError: string | null;
  load(): Promise<void>;
  setSession(session: SessionInfo, lockedByIdle?: boolean): void;
  setNotice(notice: Notice): void;
  refreshSync(): Promise<void>;
}

export const useDesk = create<DeskState>((set, get) => ({
  info: null,
  session: null,
  lockedByIdle: false,
  pending: 0,
  dueSoon: 0,
  dueSoonMore: false,
  connected: false,
  sync: null,
  notice: null,
  loadError: null,
  async load() {
    const [info, session] = await Promise.all([api.call('app.info'), api.call('auth.session')]);
    if (!info.ok) {
      set({ loadError: info.error.code });
      return;
    }
    set({ info: info.value, session: session.ok ? session.value : { state: 'none' }, loadError: null });
    await get().refreshSync();
  },
  setSession(session, lockedByIdle = false) {
    set({ session, lockedByIdle });
    if (session.state === 'active') void get().refreshSync();
  },
  setNotice(notice) {
    set({ notice });
  },
  async refreshSync() {
    const session = get().session;
    // Held for a first password: the core would refuse (and the refusal re-reads the session, again).
    if (session?.state !== 'active' || session.staff.mustChangePassword || !session.permissions.includes('sync.read')) return;
    const status = await api.call('sync.status');
    if (status.ok) set({ pending: status.value.pending, connected: status.value.connected, sync: status.value });
  },
}));
