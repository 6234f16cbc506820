/** Shows the organisation recovery key once, to be printed or written down, and asks the manager to confirm. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function RecoveryKeyStep({ recoveryKey, onDone }: { recoveryKey: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const finish = async (): Promise<void> => {
    setBusy(true);
    const result = await api.call('backup.recoveryKey.confirm');
    setBusy(false);
    if (!result.ok) return setError(errorMessage(t, result.error));
    onDone();
  };

  return (
    <section className="card card--wide recovery-key" aria-labelledby="recovery-key-title">
      <h1 id="recovery-key-title">{t('backup.recoveryTitle')}</h1>
      <p>{t('backup.recoveryIntro')}</p>
      <p className="recovery-key__value" data-testid="recovery-key">
        {recoveryKey}
      </p>
      <button type="button" onClick={() => window.print()}>
        {t('backup.recoveryPrint')}
      </button>
      <label className="checkbox">
        <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} autoFocus />
        {t('backup.recoveryConfirm')}
      </label>
      <FormError message={error} />
      <button type="button" className="primary" disabled={!confirmed || busy} onClick={() => void finish()}>
        {t('backup.recoveryContinue')}
      </button>
    </section>
  );
}
