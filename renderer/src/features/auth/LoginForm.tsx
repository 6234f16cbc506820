/** Username and password; used for the first sign-in and for switching user on a shared desk. */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';

interface LoginFields {
  username: string;
  password: string;
}

export function LoginForm({ title, onCancel }: { title: string; onCancel?: () => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, resetField, setFocus, formState } = useForm<LoginFields>({ defaultValues: { username: '', password: '' } });

  const submit = handleSubmit(async (form) => {
    setFormError(null);
    if (!form.username.trim()) return setError('username', { message: 'required' });
    if (!form.password) return setError('password', { message: 'required' });
    const result = await api.call('auth.login', form);
    if (!result.ok) {
      resetField('password');
      setFocus('password');
      setFormError(applyRpcError(t, result.error, setError, ['username', 'password']));
      return;
    }
    useDesk.getState().setSession(result.value);
  });

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="login-title">
      <h1 id="login-title">{title}</h1>
      <TextField label={t('login.username')} maxLength={INPUT_LIMITS.username} autoFocus autoComplete="username" error={fieldMessage(t, formState.errors.username?.message)} {...register('username')} />
      <TextField label={t('login.password')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="current-password" error={fieldMessage(t, formState.errors.password?.message)} {...register('password')} />
      <FormError message={formError} />
      <div className="actions">
        <button type="submit" className="primary" disabled={formState.isSubmitting}>
          {t('login.submit')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
