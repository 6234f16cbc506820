/**
 * A password a manager set (a new account or a reset) must be replaced by the person's own before
 * anything else: the core refuses every other method until then (PASSWORD_CHANGE_REQUIRED), and
 * this screen is all the desk shows (issue 11 item 18).
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { passwordSchema } from '../../../../shared/domain/auth/staff';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';

const firstPasswordSchema = z
  .object({ currentPassword: z.string().min(1, { message: 'required' }), newPassword: passwordSchema, repeatPassword: z.string().min(1, { message: 'required' }) })
  .refine((form) => form.newPassword === form.repeatPassword, { path: ['repeatPassword'], message: 'passwords_differ' })
  .refine((form) => form.newPassword !== form.currentPassword, { path: ['newPassword'], message: 'same_as_current' });

type FirstPasswordForm = z.input<typeof firstPasswordSchema>;

export function FirstPasswordScreen({ name }: { name: string }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, formState } = useForm<FirstPasswordForm>({
    resolver: zodResolver(firstPasswordSchema),
    defaultValues: { currentPassword: '', newPassword: '', repeatPassword: '' },
  });
  const errors = formState.errors;

  const submit = handleSubmit(async ({ currentPassword, newPassword }) => {
    setFormError(null);
    const result = await api.call('auth.changePassword', { currentPassword, newPassword });
    if (!result.ok) return setFormError(applyRpcError(t, result.error, setError, ['currentPassword', 'newPassword']));
    const session = await api.call('auth.session');
    if (session.ok) useDesk.getState().setSession(session.value);
  });

  const signOut = async (): Promise<void> => {
    const result = await api.call('auth.logout');
    useDesk.getState().setSession(result.ok ? result.value : { state: 'none' });
  };

  return (
    <main className="centered">
      <form className="card" onSubmit={submit} noValidate aria-labelledby="first-password-title" data-testid="first-password">
        <h1 id="first-password-title">{t('firstPassword.title')}</h1>
        <p>{t('firstPassword.explain', { name })}</p>
        <TextField label={t('firstPassword.current')} maxLength={INPUT_LIMITS.password} type="password" autoFocus autoComplete="current-password" error={fieldMessage(t, errors.currentPassword?.message)} {...register('currentPassword')} />
        <TextField label={t('firstPassword.new')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="new-password" hint={t('setup.passwordHint')} error={fieldMessage(t, errors.newPassword?.message)} {...register('newPassword')} />
        <TextField label={t('firstPassword.repeat')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="new-password" error={fieldMessage(t, errors.repeatPassword?.message)} {...register('repeatPassword')} />
        <FormError message={formError} />
        <div className="actions">
          <button type="submit" className="primary" disabled={formState.isSubmitting}>
            {t('firstPassword.save')}
          </button>
          <button type="button" onClick={() => void signOut()}>
            {t('lock.signOut')}
          </button>
        </div>
      </form>
    </main>
  );
}
