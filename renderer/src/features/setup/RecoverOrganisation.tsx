/**
 * First-run setup, "recover an existing organisation": a new machine when every desk of the site
 * is lost. With the central server's address, the site code and the printed recovery key, the core
 * opens the site's keyring kept on the server, enrols this desk and pulls every record
 * (docs/decisions/0018-one-recovery-key.md). Staff then sign in with their existing accounts.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { SYNC_METHODS } from '../../../../shared/api/sync-methods';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';

const recoverSchema = SYNC_METHODS['sync.recover'].input;
type RecoverForm = z.input<typeof recoverSchema>;

export function RecoverOrganisation({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<{ customers: number; intakes: number; ops: number } | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<RecoverForm>({ resolver: zodResolver(recoverSchema), mode: 'onTouched' });
  const errors = formState.errors;

  const submit = handleSubmit(async (form) => {
    setFormError(null);
    const result = await api.call('sync.recover', form);
    if (!result.ok) {
      if (result.error.code === 'SYNC_FAILED' && result.error.details?.['problem'] === 'refused') {
        setError('recoveryKey', { type: 'server', message: 'recovery_key_wrong' }, { shouldFocus: true });
      } else setFormError(applyRpcError(t, result.error, setError, ['serverUrl', 'siteId', 'recoveryKey']));
      return;
    }
    setDone(result.value);
  });

  if (done) {
    return (
      <section className="card card--wide" aria-labelledby="recover-title">
        <h1 id="recover-title">{t('setup.recover.title')}</h1>
        <p role="status" className="success" data-testid="recover-done">
          {t('setup.recover.done', done)}
        </p>
        <button type="button" className="primary" autoFocus onClick={() => void useDesk.getState().load()}>
          {t('setup.recover.continue')}
        </button>
      </section>
    );
  }

  return (
    <form className="card card--wide" onSubmit={submit} noValidate aria-labelledby="recover-title">
      <h1 id="recover-title">{t('setup.recover.title')}</h1>
      <p>{t('setup.recover.intro')}</p>
      <TextField label={t('setup.recover.serverUrl')} autoFocus maxLength={300} autoComplete="off" placeholder="https://" error={fieldMessage(t, errors.serverUrl?.message)} {...register('serverUrl')} />
      <TextField label={t('setup.recover.siteId')} maxLength={64} autoComplete="off" error={fieldMessage(t, errors.siteId?.message)} {...register('siteId')} />
      <TextField label={t('setup.recover.recoveryKey')} maxLength={100} autoComplete="off" spellCheck={false} error={errors.recoveryKey?.message === 'recovery_key_wrong' ? t('setup.recover.wrongKey') : fieldMessage(t, errors.recoveryKey?.message)} {...register('recoveryKey')} />
      <FormError message={formError} />
      <button type="submit" className="primary" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? t('setup.recover.running') : t('setup.recover.submit')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('setup.newToggle')}
      </button>
    </form>
  );
}
