/**
 * Shown when the desk's database cannot be opened: what happened, what to do, and a restore from
 * the newest backup (or a file the manager names) with the organisation recovery key.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecoveryStatus } from '../../../../shared/api';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { backupErrorMessage, when } from './backup-text';

export function RecoveryScreen() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<RecoveryStatus | null>(null);
  const [file, setFile] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [needsConfirm, setNeedsConfirm] = useState(false);
  const [confirmLoss, setConfirmLoss] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    void api.call('recovery.status').then((result) => {
      if (!result.ok) return;
      setStatus(result.value);
      const newest = result.value.backups[0];
      if (newest) setFile(newest.file);
    });
  }, []);

  const restore = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const result = await api.call('recovery.restore', { file, recoveryKey, confirmLoss });
    setBusy(false);
    if (!result.ok) {
      const details = result.error.details ?? {};
      if (details['reason'] === 'would_lose_data') {
        setNeedsConfirm(true);
        const newest = Number(details['newestAt'] ?? 0);
        setError(t('backup.recovery.wouldLose', { customers: details['customers'], intakes: details['intakes'], ops: details['ops'], auditEntries: details['auditEntries'], newest: newest ? when(newest) : '—' }));
      } else setError(backupErrorMessage(t, result.error));
      return;
    }
    setDone(t('backup.recovery.restored', result.value.counts));
    setTimeout(() => void useDesk.getState().load(), 1_500);
  };

  const newest = status?.backups[0];
  const problem = status?.problem ?? null;
  return (
    <main className="centered">
      <form className="card card--wide" onSubmit={(event) => void restore(event)} noValidate aria-labelledby="recovery-title" data-testid="recovery-screen">
        <h1 id="recovery-title">{t('backup.recovery.title')}</h1>
        {problem && (
          <>
            <p role="alert" data-testid="recovery-problem">
              {t(`backup.recovery.problem.${problem}`)}
            </p>
            <p>{problem === 'too_new' ? t('backup.recovery.tooNewAdvice') : t('backup.recovery.advice')}</p>
          </>
        )}
        {newest ? (
          <p data-testid="recovery-latest">{t('backup.recovery.latest', { name: newest.name, at: when(newest.createdAt), customers: newest.counts.customers, intakes: newest.counts.intakes })}</p>
        ) : (
          status && <p>{t('backup.recovery.noBackups', { folder: status.folder || '—' })}</p>
        )}
        <TextField label={t('backup.recovery.file')} value={file} maxLength={1000} onChange={(event) => setFile(event.target.value)} />
        <TextField label={t('backup.recovery.key')} value={recoveryKey} maxLength={100} autoComplete="off" autoFocus onChange={(event) => setRecoveryKey(event.target.value)} />
        {needsConfirm && (
          <label className="checkbox">
            <input type="checkbox" checked={confirmLoss} onChange={(event) => setConfirmLoss(event.target.checked)} />
            {t('backup.recovery.confirmLoss')}
          </label>
        )}
        <FormError message={error} />
        {done && (
          <p role="status" className="success">
            {done}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || done !== null}>
          {busy ? t('backup.recovery.restoring') : t('backup.recovery.restore')}
        </button>
      </form>
    </main>
  );
}
