/** Asks why before a deliberate, audited act (showing a value in full, opening a correction). */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INPUT_LIMITS } from '../../../shared/domain/limits';
import { reasonProblem } from '../../../shared/domain/reason';
import { fieldMessage } from '../lib/errors';

interface Props {
  label: string;
  confirmLabel: string;
  error: string | undefined;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}

export function ReasonPrompt({ label, confirmLabel, error, onConfirm, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [reason, setReason] = useState('');
  // The same rule the core applies (shared/domain/reason.ts), shown before the request is sent.
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const shown = problem ?? error;
  return (
    <form
      className="card"
      onSubmit={(event) => {
        event.preventDefault();
        const found = reasonProblem(reason);
        setProblem(found ? fieldMessage(t, found) : undefined);
        if (!found) onConfirm(reason);
      }}
    >
      <label htmlFor={id}>{label}</label>
      <input id={id} autoFocus value={reason} maxLength={INPUT_LIMITS.reason} onChange={(event) => setReason(event.target.value)} aria-invalid={Boolean(shown)} />
      {shown && <small className="field__error" role="alert">{shown}</small>}
      <div className="actions">
        <button type="submit" className="primary">{confirmLabel}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
