/** Which paper sheet is being worked on (transcribed or reconciled) from the home screen's batches. */
import { create } from 'zustand';

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
