/** First run: organisation, site and desk names, and the first manager account; or recover an existing organisation. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { setupInputSchema } from '../../../../shared/api';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';
import { RecoveryKeyStep } from '../backup/RecoveryKeyStep';
import { RecoverOrganisation } from './RecoverOrganisation';

const formSchema = z
  .object({
    organisationName: setupInputSchema.shape.organisationName,
    siteName: setupInputSchema.shape.siteName,
    deskName: setupInputSchema.shape.deskName,
    username: setupInputSchema.shape.manager.shape.username,
    displayName: setupInputSchema.shape.manager.shape.displayName,
    password: setupInputSchema.shape.manager.shape.password,
    confirmPassword: z.string(),
  })
  .refine((form) => form.password === form.confirmPassword, { path: ['confirmPassword'], message: 'password_mismatch' });
type SetupForm = z.input<typeof formSchema>;

export function SetupScreen() {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [recovering, setRecovering] = useState(false);
  const { register, handleSubmit, setError, formState } = useForm<SetupForm>({ resolver: zodResolver(formSchema), mode: 'onTouched' });
  const errors = formState.errors;

  const submit = handleSubmit(async (form) => {
    setFormError(null);
    const result = await api.call('setup.initialize', {
      organisationName: form.organisationName,
      siteName: form.siteName,
      deskName: form.deskName,
      manager: { username: form.username, displayName: form.displayName, password: form.password },
    });
    if (!result.ok) {
      const fields = Object.fromEntries(Object.entries(result.error.fields ?? {}).map(([key, value]) => [key.replace(/^manager\./, ''), value]));
      setFormError(applyRpcError(t, { ...result.error, fields }, setError, ['organisationName', 'siteName', 'deskName', 'username', 'displayName', 'password']));
      return;
    }
    // Setup made the organisation's recovery key: show it once, to be printed, before going on.
    const pending = await api.call('backup.recoveryKey.pending');
    if (pending.ok && pending.value.recoveryKey) setRecoveryKey(pending.value.recoveryKey);
    else await useDesk.getState().load();
  });

  if (recoveryKey) {
    return (
      <main className="centered">
        <RecoveryKeyStep recoveryKey={recoveryKey} onDone={() => void useDesk.getState().load()} />
      </main>
    );
  }

  if (recovering) {
    return (
      <main className="centered">
        <RecoverOrganisation onCancel={() => setRecovering(false)} />
      </main>
    );
  }

  return (
    <main className="centered">
      <form className="card card--wide" onSubmit={submit} noValidate aria-labelledby="setup-title">
        <h1 id="setup-title">{t('setup.title')}</h1>
        <p>{t('setup.intro')}</p>
        <p>
          <button type="button" onClick={() => setRecovering(true)}>
            {t('setup.recoverToggle')}
          </button>
        </p>
        <TextField label={t('setup.organisationName')} autoFocus maxLength={INPUT_LIMITS.organisationName} error={fieldMessage(t, errors.organisationName?.message)} {...register('organisationName')} />
        <TextField label={t('setup.siteName')} maxLength={INPUT_LIMITS.siteName} error={fieldMessage(t, errors.siteName?.message)} {...register('siteName')} />
        <TextField label={t('setup.deskName')} maxLength={INPUT_LIMITS.deskName} error={fieldMessage(t, errors.deskName?.message)} {...register('deskName')} />
        <h2>{t('setup.managerSection')}</h2>
        <TextField label={t('setup.displayName')} maxLength={INPUT_LIMITS.displayName} error={fieldMessage(t, errors.displayName?.message)} {...register('displayName')} />
        <TextField label={t('setup.username')} maxLength={INPUT_LIMITS.username} hint={t('setup.usernameHint')} autoComplete="off" error={fieldMessage(t, errors.username?.message)} {...register('username')} />
        <TextField label={t('setup.password')} maxLength={INPUT_LIMITS.password} type="password" hint={t('setup.passwordHint')} autoComplete="new-password" error={fieldMessage(t, errors.password?.message)} {...register('password')} />
        <TextField label={t('setup.confirmPassword')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="new-password" error={fieldMessage(t, errors.confirmPassword?.message)} {...register('confirmPassword')} />
        <FormError message={formError} />
        <button type="submit" className="primary" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? t('common.saving') : t('setup.submit')}
        </button>
      </form>
    </main>
  );
}
