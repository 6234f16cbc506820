/** Which paper sheet is being worked on (transcribed or reconciled) from the home screen's batches. */
import { create } from 'zustand';
import { useDesk } from '../../app/store';

export interface PaperWork {
  kind: 'transcribe' | 'reconcile';
  batchId: string;
  serial: number;
  formNo: string;
}

interface PaperWorkState {
  work: PaperWork | null;
  /** What the last piece of work came to, shown on the batches panel. */
  message: string | null;
  /** The batch of the last sheet worked on (its sheet list opens again on return). */
  lastBatchId: string | null;
  start(work: PaperWork): void;
  finish(message?: string | null): void;
}

export const usePaperWork = create<PaperWorkState>((set) => ({
  work: null,
  message: null,
  lastBatchId: null,
  start: (work) => set({ work, message: null, lastBatchId: work.batchId }),
  finish: (message = null) => set({ work: null, message }),
}));

/**
 * Another person at the desk (after sign-out or a switch of user; not a lock and unlock by the same
 * person): what the last person worked on, and what it came to, is not theirs to see.
 */
let staffAtDesk: string | null = null;
useDesk.subscribe((state) => {
  const session = state.session;
  const staff = session && session.state !== 'none' ? session.staff.id : null;
  if (staff === staffAtDesk) return;
  staffAtDesk = staff;
  usePaperWork.setState({ work: null, message: null, lastBatchId: null });
});
