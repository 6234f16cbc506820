/** Settings → Backups and restore drill (managers): folder, daily time, how many to keep, back up now, the drill. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useCallback, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { backupSettingsSchema, type BackupSettings as Settings, type BackupStatus, type DrillRecord } from '../../../../shared/api';
import { FormError, TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';
import { backupErrorMessage, recordMessage, when } from './backup-text';
import { RecoveryKeyStep } from './RecoveryKeyStep';

export function BackupSettings() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'backup' | 'drill' | null>(null);
  const [drillKey, setDrillKey] = useState('');
  const [shownKey, setShownKey] = useState<string | null>(null);
  const [showPassword, setShowPassword] = useState('');
  const [showError, setShowError] = useState<string | undefined>(undefined);
  const { register, handleSubmit, setError, reset, formState } = useForm<Settings>({ resolver: zodResolver(backupSettingsSchema) });

  const refresh = useCallback(async () => {
    const result = await api.call('backup.status');
    if (result.ok) {
      setStatus(result.value);
      return result.value;
    }
    setFormError(backupErrorMessage(t, result.error));
    return null;
  }, [t]);

  useEffect(() => {
    void refresh().then((value) => value && reset(value.settings));
    return api.on('backup.changed', () => void refresh());
  }, [refresh, reset]);

  const submit = handleSubmit(async (form) => {
    setMessage(null);
    setFormError(null);
    const result = await api.call('backup.settings.update', form);
    if (!result.ok) return setFormError(applyRpcError(t, result.error, setError, ['folder', 'dailyAt', 'keep']));
    setStatus(result.value);
    reset(result.value.settings);
    setMessage(t('backup.saved'));
  });

  const backUpNow = async (): Promise<void> => {
    setActionError(null);
    setMessage(null);
    setBusy('backup');
    const result = await api.call('backup.now');
    setBusy(null);
    if (!result.ok) setActionError(backupErrorMessage(t, result.error));
    else if (!result.value.ok) setActionError(recordMessage(t, result.value.error, result.value.message));
    else setMessage(t('backup.done', { name: result.value.name, customers: result.value.counts?.customers ?? 0, intakes: result.value.counts?.intakes ?? 0 }));
    await refresh();
  };

  const drill = async (): Promise<void> => {
    setActionError(null);
    setBusy('drill');
    const result = await api.call('backup.drill', drillKey.trim() ? { recoveryKey: drillKey } : {});
    setBusy(null);
    if (!result.ok) setActionError(backupErrorMessage(t, result.error));
    setDrillKey('');
    await refresh();
  };

  const newKey = async (): Promise<void> => {
    const result = await api.call('backup.recoveryKey.create');
    if (!result.ok) return setActionError(backupErrorMessage(t, result.error));
    setShownKey(result.value.recoveryKey);
  };

  /** The key shown again to print another copy, after the manager re-enters their password (checked and audited in the core). */
  const showAgain = async (): Promise<void> => {
    setShowError(undefined);
    const result = await api.call('backup.recoveryKey.show', { password: showPassword });
    setShowPassword('');
    if (!result.ok) return setShowError(result.error.fields?.['password'] ? fieldMessage(t, result.error.fields['password']) : backupErrorMessage(t, result.error));
    setShownKey(result.value.recoveryKey);
  };

  const showPending = async (): Promise<void> => {
    const result = await api.call('backup.recoveryKey.pending');
    if (result.ok && result.value.recoveryKey) setShownKey(result.value.recoveryKey);
  };

  if (shownKey) {
    return (
      <RecoveryKeyStep
        recoveryKey={shownKey}
        onDone={() => {
          setShownKey(null);
          void refresh();
        }}
      />
    );
  }

  const last = status?.lastBackup;
  return (
    <section className="card" aria-labelledby="backup-title" data-testid="backup-settings">
      <h2 id="backup-title">{t('backup.title')}</h2>
      <p>{t('backup.intro')}</p>
      {status && !status.hasRecoveryKey && <p className="banner banner--warning">{t('backup.recoveryMissing')}</p>}
      {status?.recoveryKeyPending && (
        <p className="banner banner--warning">
          {t('backup.recoveryPending')}{' '}
          <button type="button" onClick={() => void showPending()}>
            {t('backup.recoveryShow')}
          </button>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <TextField label={t('backup.folder')} hint={t('backup.folderHint')} maxLength={1000} error={fieldMessage(t, formState.errors.folder?.message)} {...register('folder')} />
        <TextField label={t('backup.dailyAt')} type="time" error={fieldMessage(t, formState.errors.dailyAt?.message)} {...register('dailyAt')} />
        <TextField
          label={t('backup.keep')}
          type="number"
          inputMode="numeric"
          min={1}
          max={365}
          error={formState.errors.keep ? t('fieldError.number_range', { min: 1, max: 365 }) : undefined}
          {...register('keep', { valueAsNumber: true })}
        />
        <FormError message={formError} />
        <button type="submit" disabled={formState.isSubmitting}>
          {t('backup.save')}
        </button>
      </form>

      <h3>{t('backup.lastBackup')}</h3>
      <p data-testid="last-backup">
        {!last ? t('backup.never') : last.ok ? t('backup.lastBackupOk', { at: when(last.at), name: last.name }) : t('backup.lastBackupFailed', { at: when(last.at), message: recordMessage(t, last.error, last.message) })}
      </p>
      {status && <p>{t('backup.inFolder', { count: status.backups.length })}</p>}
      <button type="button" className="primary" disabled={busy !== null} onClick={() => void backUpNow()}>
        {busy === 'backup' ? t('backup.running') : t('backup.now')}
      </button>
      {message && (
        <p role="status" className="success">
          {message}
        </p>
      )}

      <h3>{t('backup.drillTitle')}</h3>
      <p>{t('backup.drillIntro')}</p>
      <TextField label={t('backup.drillKey')} value={drillKey} maxLength={100} autoComplete="off" onChange={(event) => setDrillKey(event.target.value)} />
      <button type="button" disabled={busy !== null} onClick={() => void drill()}>
        {busy === 'drill' ? t('backup.drillRunning') : t('backup.drillRun')}
      </button>
      <FormError message={actionError} />
      <h3>{t('backup.lastDrill')}</h3>
      <p data-testid="last-drill">{status?.lastDrill ? drillText(t, status.lastDrill) : t('backup.never')}</p>

      <h3>{t('backup.recoveryTitle')}</h3>
      {status?.hasRecoveryKey && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void showAgain();
          }}
          noValidate
          aria-label={t('backup.recoveryShowAgain')}
        >
          <p>{t('backup.recoveryShowAgainIntro')}</p>
          <TextField label={t('backup.recoveryShowPassword')} type="password" autoComplete="current-password" maxLength={200} value={showPassword} error={showError} onChange={(event) => setShowPassword(event.target.value)} />
          <button type="submit" disabled={showPassword === ''}>
            {t('backup.recoveryShowSubmit')}
          </button>
        </form>
      )}
      <p>{t('backup.recoveryNewWarning')}</p>
      <button type="button" onClick={() => void newKey()}>
        {t('backup.recoveryNew')}
      </button>
    </section>
  );
}

function drillText(t: ReturnType<typeof useTranslation>['t'], drill: DrillRecord): string {
  if (!drill.ok) return t('backup.drillFailed', { at: when(drill.at), message: recordMessage(t, drill.error, drill.message) });
  return t('backup.drillOk', {
    at: when(drill.at),
    name: drill.name,
    takenAt: drill.backupTakenAt ? when(drill.backupTakenAt) : '',
    customers: drill.counts?.customers ?? 0,
    intakes: drill.counts?.intakes ?? 0,
    ops: drill.counts?.ops ?? 0,
    audit: drill.auditEntries ?? 0,
  });
}
