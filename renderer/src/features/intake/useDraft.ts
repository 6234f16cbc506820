/**
 * The walk-in draft: restored or started on open, and saved on every change so that no keystroke is
 * lost to a crash, a kill or a restart. Saves are coalesced: never more than one in flight; while
 * one is, the newest state waits (replacing any older one) and goes next, so the last value is
 * always the one written.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Draft } from '../../../../shared/api/intake-contract';
import type { Consent } from '../../../../shared/domain/intake/consent';
import type { FieldName, IntakeFields } from '../../../../shared/domain/intake/fields';
import type { MaskedField } from '../../../../shared/domain/masking';
import type { RpcError } from '../../../../shared/api';
import { api } from '../../lib/api';

/** The masks a correction opened with: a field still showing its mask is unchanged (the core keeps its value). */
export type Masks = Partial<Record<MaskedField, string>>;
const masksOf = (draft: Draft): Masks => Object.fromEntries((draft.masked ?? []).map((field) => [field, draft.fields[field]]));

type Loaded = { draft: Draft; restored: boolean } | { error: RpcError };

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'failed'; error: RpcError };

/**
 * The save state lives outside React state: only the line that shows it (`useSaveState`) renders
 * when a save starts or ends, not the whole form (issue 12: a keystroke stays in one frame).
 */
export interface SaveStateStore {
  get: () => SaveState;
  subscribe: (listener: () => void) => () => void;
}

function saveStateStore(): SaveStateStore & { set: (next: SaveState | ((current: SaveState) => SaveState)) => void } {
  let state: SaveState = { kind: 'idle' };
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set: (next) => {
      const value = typeof next === 'function' ? next(state) : next;
      if (value === state) return;
      state = value;
      for (const listener of listeners) listener();
    },
  };
}

export function useSaveState(store: SaveStateStore): SaveState {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** A paper form being transcribed (issue 13): its own draft, opened or resumed for that sheet. */
export interface PaperSheet {
  batchId: string;
  serial: number;
}

export function useDraft(paper?: PaperSheet) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [restored, setRestored] = useState(false);
  const [loadError, setLoadError] = useState<RpcError | null>(null);
  const [saveStore] = useState(saveStateStore);
  const setSaveState = saveStore.set;
  const [masks, setMasks] = useState<Masks>({});
  const pending = useRef<Draft | null>(null);
  const saving = useRef(false);

  const paperBatch = paper?.batchId;
  const paperSerial = paper?.serial;
  /** Fetch the entry to show: the sheet's own draft, the one this person left open, or a new one. Applying it is separate (below). */
  const load = useCallback(async (fresh: boolean): Promise<Loaded> => {
    if (paperBatch !== undefined && paperSerial !== undefined) {
      const opened = await api.call('paper.transcribe.open', { batchId: paperBatch, serial: paperSerial });
      return opened.ok ? { draft: opened.value, restored: opened.value.updatedAt > opened.value.startedAt } : { error: opened.error };
    }
    if (!fresh) {
      const current = await api.call('intake.draft.current');
      if (!current.ok) return { error: current.error };
      if (current.value) return { draft: current.value, restored: true };
    }
    const started = await api.call('intake.draft.start', { customerId: null });
    return started.ok ? { draft: started.value, restored: false } : { error: started.error };
  }, [paperBatch, paperSerial]);

  const apply = useCallback((outcome: Loaded): void => {
    if ('error' in outcome) return setLoadError(outcome.error);
    if (!outcome.restored) {
      pending.current = null;
      setSaveState({ kind: 'idle' });
    }
    setDraft(outcome.draft);
    setMasks(masksOf(outcome.draft));
    setRestored(outcome.restored);
  }, [setSaveState]);

  const open = useCallback(
    async (fresh: boolean) => {
      setLoadError(null);
      apply(await load(fresh));
    },
    [load, apply],
  );

  /**
   * The first load runs once per screen, however often its effect runs: React runs a new effect
   * twice in development (StrictMode), and two loads each started an entry, the later one replacing
   * the entry the person had begun to type into (under load, the name typed first was lost). A load
   * whose effect was cleaned up meanwhile is not applied.
   */
  const firstLoad = useRef<Promise<Loaded> | null>(null);
  useEffect(() => {
    let live = true;
    firstLoad.current ??= load(false);
    void firstLoad.current.then((outcome) => {
      if (live) apply(outcome);
    });
    return () => {
      live = false;
    };
  }, [load, apply]);

  const flush = useCallback(async () => {
    if (saving.current) return;
    saving.current = true;
    // One render when saving starts and one when the last queued state is written, not two per
    // keystroke: a keystroke typed meanwhile only replaces what waits to go next.
    setSaveState((state) => (state.kind === 'saving' ? state : { kind: 'saving' }));
    while (pending.current) {
      const next = pending.current;
      pending.current = null;
      const result = await api.call('intake.draft.save', { id: next.id, fields: next.fields, consent: next.consent, customerId: next.customerId, cleared: next.cleared, blankOnForm: next.blankOnForm ?? [] });
      if (!result.ok) setSaveState({ kind: 'failed', error: result.error });
      else if (!pending.current) setSaveState({ kind: 'saved', at: result.value.savedAt });
    }
    saving.current = false;
  }, [setSaveState]);

  const update = useCallback(
    (change: { fields?: Partial<IntakeFields>; consent?: Partial<Consent>; customerId?: string | null; cleared?: FieldName[]; blankOnForm?: FieldName[] }) => {
      setDraft((current) => {
        if (!current) return current;
        const next: Draft = {
          ...current,
          fields: { ...current.fields, ...change.fields },
          // The same object when unchanged, so what depends on consent alone does not render per keystroke.
          consent: change.consent ? { ...current.consent, ...change.consent } : current.consent,
          customerId: change.customerId === undefined ? current.customerId : change.customerId,
          // Typing a value into a field marked to be cleared takes the mark off; so does making it a new customer.
          cleared:
            change.customerId === null ? [] : change.cleared ?? current.cleared.filter((field) => !(change.fields && field in change.fields && change.fields[field] !== '')),
          // A paper form's "blank on form" mark goes when a value is typed into its field.
          ...(current.paper
            ? { blankOnForm: change.blankOnForm ?? (current.blankOnForm ?? []).filter((field) => !(change.fields && field in change.fields && change.fields[field] !== '')) }
            : {}),
        };
        pending.current = next;
        queueMicrotask(() => void flush());
        return next;
      });
    },
    [flush],
  );

  /** The customer is here: the entry's timer (and its stored duration) starts now. */
  const arrived = useCallback(async (id: string): Promise<void> => {
    const result = await api.call('intake.draft.arrived', { id });
    if (result.ok) setDraft((current) => (current && current.id === id ? { ...current, startedAt: result.value.startedAt } : current));
  }, []);

  return { draft, masks, restored, loadError, saveStore, update, arrived, startNew: () => open(true) };
}
