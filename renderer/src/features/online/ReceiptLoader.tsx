/**
 * At the counter (issue 15): the receipt code a customer shows, typed or scanned with a barcode
 * wedge (which types it and presses Enter), loads their online submission into the walk-in form.
 * `F8` comes here. The core claims the submission for this person and audits the load.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api/contract';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';

export type LoadedSubmission = MethodOutput<'online.load'>;

/** The submission loaded into each walk-in entry, kept while staff visit another page and come back (this window only). */
const loadedByDraft = new Map<string, LoadedSubmission>();
export function rememberLoaded(draftId: string, loaded: LoadedSubmission | null): void {
  if (loaded) loadedByDraft.set(draftId, loaded);
  else loadedByDraft.delete(draftId);
}
export function loadedFor(draftId: string): LoadedSubmission | null {
  return loadedByDraft.get(draftId) ?? null;
}

export function ReceiptLoader({ onLoaded }: { onLoaded: (loaded: LoadedSubmission) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'F8' && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        inputRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const load = async (): Promise<void> => {
    if (busy || code.trim() === '') return;
    setBusy(true);
    setError(null);
    const result = await api.call('online.load', { receiptCode: code });
    setBusy(false);
    if (!result.ok) {
      const field = result.error.fields?.['receiptCode'];
      setError(field ? (fieldMessage(t, field) ?? errorMessage(t, result.error)) : errorMessage(t, result.error));
      return;
    }
    setCode('');
    onLoaded(result.value);
  };

  return (
    <div className="walkin__finder" role="search" aria-label={t('onlineDesk.receiptLabel')}>
      <label htmlFor="walkin-receipt">
        {t('onlineDesk.receiptLabel')} <kbd>F8</kbd>
      </label>{' '}
      <input
        id="walkin-receipt"
        ref={inputRef}
        value={code}
        maxLength={20}
        autoComplete="off"
        spellCheck={false}
        placeholder="XXXX-XXXX"
        data-testid="walkin-receipt"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'walkin-receipt-error' : undefined}
        onChange={(event) => setCode(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            void load();
          }
        }}
      />{' '}
      <button type="button" data-skip-enter onClick={() => void load()} disabled={busy}>
        {t('onlineDesk.load')}
      </button>
      {error && (
        <span id="walkin-receipt-error" className="form-error" role="alert" data-testid="walkin-receipt-error">
          {' '}
          {error}
        </span>
      )}
    </div>
  );
}

/** The loaded submission: whose clock runs from the server's receipt, and the check of the ID the customer shows. */
export function LoadedSubmissionBanner({ loaded, idChecked, onIdChecked, error, now }: { loaded: LoadedSubmission; idChecked: boolean; onIdChecked: (checked: boolean) => void; error: string | undefined; now: number }) {
  const { t, i18n } = useTranslation();
  const dueAt = loaded.receivedAt + 120 * 60_000;
  const minutes = Math.ceil((dueAt - now) / 60_000);
  return (
    <div className="banner banner--notice" role="status" data-testid="online-loaded">
      <p>
        {t('onlineDesk.loaded', { code: loaded.receiptCode })}{' '}
        <span className={minutes <= 30 ? 'deadline deadline--escalated' : 'muted'}>
          {t('onlineDesk.dueBy', { time: new Date(dueAt).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }), minutes })}
        </span>
      </p>
      <label className="field--checkbox field">
        <input type="checkbox" name="onlineIdChecked" data-testid="online-id-check" checked={idChecked} aria-invalid={error ? true : undefined} onChange={(event) => onIdChecked(event.target.checked)} />{' '}
        {t('onlineDesk.idCheck')}
      </label>
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
