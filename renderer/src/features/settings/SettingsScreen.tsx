/** Desk security settings: lockout threshold and duration, idle lock. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { securitySettingsSchema, type SecuritySettings } from '../../../../shared/api';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';
import { FieldSettings } from './FieldSettings';
import { QuarantinePanel } from './QuarantinePanel';
import { ReviewSettings } from './ReviewSettings';
import { BackupSettings } from '../backup/BackupSettings';
import { SyncSettings } from './SyncSettings';
import { OnlineSettings } from '../online/OnlineSettings';
import { PrintFormsPanel } from '../paper/PrintFormsPanel';
import { DoubleEntrySettings } from '../paper/DoubleEntrySettings';
import { ScanFolderSettings } from '../paper/ScanFolderSettings';

const RANGES: Record<keyof SecuritySettings, { min: number; max: number }> = {
  maxFailedLogins: { min: 3, max: 20 },
  lockoutMinutes: { min: 1, max: 240 },
  idleLockMinutes: { min: 1, max: 60 },
};

export function SettingsScreen() {
  const { t } = useTranslation();
  const canBackUp = useDesk((state) => state.session?.state === 'active' && state.session.permissions.includes('backup.manage'));
  const [message, setMessage] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<SecuritySettings>({ resolver: zodResolver(securitySettingsSchema) });
  // Checked again in the core: only a manager may change security settings or review policy.
  const canChangePolicy = useDesk((state) => state.session?.state === 'active' && state.session.permissions.includes('policy.manage'));
  const canPrintForms = useDesk((state) => state.session?.state === 'active' && state.session.permissions.includes('intake.create'));

  useEffect(() => {
    void api.call('settings.get').then((result) => (result.ok ? reset(result.value) : setFormError(errorMessage(t, result.error))));
  }, [reset, t]);

  const submit = handleSubmit(async (form) => {
    setMessage(null);
    setFormError(null);
    const result = await api.call('settings.update', form);
    if (!result.ok) return setFormError(applyRpcError(t, result.error, setError, ['maxFailedLogins', 'lockoutMinutes', 'idleLockMinutes']));
    reset(result.value);
    setMessage(t('settings.saved'));
    const session = await api.call('auth.session');
    if (session.ok) useDesk.getState().setSession(session.value);
  });

  const field = (name: keyof SecuritySettings) => (
    <TextField
      label={t(`settings.${name}`)}
      type="number"
      inputMode="numeric"
      min={RANGES[name].min}
      max={RANGES[name].max}
      error={formState.errors[name] ? t('fieldError.number_range', RANGES[name]) : undefined}
      {...register(name, { valueAsNumber: true })}
    />
  );

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      {!canChangePolicy && <p className="muted" data-testid="policy-manager-only">{t('settings.managerOnly')}</p>}
      <form className="card" onSubmit={submit} noValidate>
        <fieldset disabled={!canChangePolicy}>
          {field('maxFailedLogins')}
          {field('lockoutMinutes')}
          {field('idleLockMinutes')}
        </fieldset>
        <FormError message={formError} />
        {message && <p role="status" className="success">{message}</p>}
        {canChangePolicy && (
          <button type="submit" className="primary" disabled={formState.isSubmitting}>
            {t('common.save')}
          </button>
        )}
      </form>
      <ReviewSettings canChange={canChangePolicy} />
      <DoubleEntrySettings canChange={canChangePolicy} />
      <FieldSettings />
      <SyncSettings />
      <OnlineSettings />
      {canPrintForms && <PrintFormsPanel />}
      <QuarantinePanel />
      {canBackUp && <BackupSettings />}
      {canChangePolicy && <ScanFolderSettings />}
    </section>
  );
}
