/** The locked desk: only the person who locked it can unlock; anyone else can switch user. */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';
import { LoginForm } from './LoginForm';

export function LockScreen({ name, username }: { name: string; username: string }) {
  const { t } = useTranslation();
  const lockedByIdle = useDesk((state) => state.lockedByIdle);
  const [switching, setSwitching] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, resetField, setFocus, formState } = useForm<{ password: string }>({ defaultValues: { password: '' } });

  if (switching) {
    return (
      <main className="centered">
        <LoginForm title={t('login.switchUserTitle')} onCancel={() => setSwitching(false)} />
      </main>
    );
  }

  const submit = handleSubmit(async ({ password }) => {
    setFormError(null);
    if (!password) return setError('password', { message: 'required' });
    const result = await api.call('auth.unlock', { password });
    if (!result.ok) {
      resetField('password');
      setFocus('password');
      setFormError(applyRpcError(t, result.error, setError, ['password']));
      if (result.error.code === 'UNAUTHENTICATED') useDesk.getState().setSession({ state: 'none' });
      return;
    }
    useDesk.getState().setSession(result.value);
  });

  const signOut = async (): Promise<void> => {
    const result = await api.call('auth.logout');
    useDesk.getState().setSession(result.ok ? result.value : { state: 'none' });
  };

  return (
    <main className="centered">
      <form className="card" onSubmit={submit} noValidate aria-labelledby="lock-title">
        <h1 id="lock-title">{t('lock.title')}</h1>
        <p>{t('lock.lockedBy', { name, username })}</p>
        {lockedByIdle && <p className="muted">{t('lock.idle')}</p>}
        <TextField label={t('lock.password', { name })} maxLength={INPUT_LIMITS.password} type="password" autoFocus autoComplete="current-password" error={fieldMessage(t, formState.errors.password?.message)} {...register('password')} />
        <FormError message={formError} />
        <div className="actions">
          <button type="submit" className="primary" disabled={formState.isSubmitting}>
            {t('lock.unlock')}
          </button>
          <button type="button" onClick={() => setSwitching(true)}>
            {t('lock.switchUser')}
          </button>
          <button type="button" onClick={() => void signOut()}>
            {t('lock.signOut')}
          </button>
        </div>
      </form>
    </main>
  );
}
