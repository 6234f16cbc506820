/**
 * Scans waiting for a person to say which sheet they are (no readable QR code), kept outside the
 * screen: leaving the home screen and coming back shows each pending file, its message and the
 * serial (and batch) already chosen, so nothing picked is lost. Cleared when another person takes
 * the desk, like the paper work in ./work.ts.
 */
import { create } from 'zustand';
import { useDesk } from '../../app/store';
import type { PreparedScan } from '../../lib/scan-render';

export interface ScanItem {
  key: string;
  name: string;
  state: 'working' | 'attached' | 'refused' | 'pick';
  message: string;
  serial?: number;
  file?: File | undefined;
  prepared?: PreparedScan | undefined;
}

interface ScanPickState {
  /** Files imported on a batch, by batch id, in the order they were added. */
  imports: Record<string, ScanItem[]>;
  /** The serial chosen for a scan without a readable QR code (by item key, or scan id for the scanner folder's). */
  chosen: Record<string, number>;
  /** For a scan from the scanner folder: the batch chosen, and its sheets still pending. */
  inboxBatch: Record<string, { batchId: string; pending: number[] }>;
  addImport(batchId: string, item: ScanItem): void;
  updateImport(batchId: string, key: string, patch: Partial<ScanItem>): void;
  choose(key: string, serial: number): void;
  chooseBatch(scanId: string, pick: { batchId: string; pending: number[] }): void;
}

export const useScanPicks = create<ScanPickState>((set) => ({
  imports: {},
  chosen: {},
  inboxBatch: {},
  addImport: (batchId, item) => set((state) => ({ imports: { ...state.imports, [batchId]: [...(state.imports[batchId] ?? []), item] } })),
  updateImport: (batchId, key, patch) =>
    set((state) => ({ imports: { ...state.imports, [batchId]: (state.imports[batchId] ?? []).map((item) => (item.key === key ? { ...item, ...patch } : item)) } })),
  choose: (key, serial) => set((state) => ({ chosen: { ...state.chosen, [key]: serial } })),
  chooseBatch: (scanId, pick) => set((state) => ({ inboxBatch: { ...state.inboxBatch, [scanId]: pick } })),
}));

let next = 0;
/** A key for an imported file, unique for the life of the window (the list outlives the screen). */
export const nextScanKey = (): string => `imp-${++next}`;

let staffAtDesk: string | null = null;
useDesk.subscribe((state) => {
  const session = state.session;
  const staff = session && session.state !== 'none' ? session.staff.id : null;
  if (staff === staffAtDesk) return;
  staffAtDesk = staff;
  useScanPicks.setState({ imports: {}, chosen: {}, inboxBatch: {} });
});
