/**
 * The audit verification as the person sees it (issue 12): whether one is running and how far it is
 * (from the core's `audit.verify.progress` events), and the last result with when it ran. Kept
 * here, outside the Audit screen, so that a verification keeps going when the person opens another
 * page, and its result is still there when they come back. Results belong to who asked: another
 * person signing in on this window does not see them.
 */
import { create } from 'zustand';
import type { AuditVerifyResult } from '../../../../shared/api';
import type { RpcError } from '../../../../shared/api/envelope';
import { api } from '../../lib/api';

export interface VerifyProgress {
  done: number;
  total: number;
}

interface AuditVerifyState {
  /** Who the state below belongs to (the signed-in staff member who asked). */
  staffId: string | null;
  running: boolean;
  /** How far the running verification is; null until the core's first word. */
  progress: VerifyProgress | null;
  /** The last verification's answer and when it was answered (ms since the epoch). */
  last: { result: AuditVerifyResult; at: number } | null;
  error: RpcError | null;
  /** Runs a verification for `staffId` (nothing if one is running); resolves when it has answered. */
  run(staffId: string): Promise<void>;
}

export const useAuditVerify = create<AuditVerifyState>((set, get) => ({
  staffId: null,
  running: false,
  progress: null,
  last: null,
  error: null,
  async run(staffId) {
    if (get().running) return;
    const mine = get().staffId === staffId;
    set({ staffId, running: true, progress: null, error: null, ...(mine ? {} : { last: null }) });
    const stop = api.on('audit.verify.progress', (progress) => {
      if (get().running) set({ progress });
    });
    try {
      const result = await api.call('audit.verify');
      if (result.ok) set({ last: { result: result.value, at: Date.now() } });
      else set({ error: result.error });
    } finally {
      stop();
      set({ running: false, progress: null });
    }
  },
}));

/** The verification state for this staff member: empty when it belongs to someone else. */
export function useAuditVerifyFor(staffId: string | null): Pick<AuditVerifyState, 'running' | 'progress' | 'last' | 'error'> {
  const state = useAuditVerify();
  if (staffId === null || state.staffId !== staffId) return { running: false, progress: null, last: null, error: null };
  return state;
}
