/** The signed-in person's start page, with their own account settings. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { SessionInfo } from '../../../../shared/api';
import { passwordSchema } from '../../../../shared/domain/auth/staff';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';
import { DueSoonPanel } from './DueSoonPanel';
import { BackupReminder } from '../backup/BackupReminder';
import { PaperBatchesPanel } from '../paper/PaperBatchesPanel';
import { isLeadRole } from '../../../../shared/domain/auth/roles';
import { usePaperWork } from '../paper/work';
import { TranscribeScreen } from '../paper/TranscribeScreen';
import { ReconcileScreen } from '../paper/ReconcileScreen';
import { PaperFigures } from '../paper/PaperFigures';

type ActiveSession = Extract<SessionInfo, { state: 'active' | 'locked' }>;

const changeSchema = z.object({ currentPassword: z.string().min(1, { message: 'required' }), newPassword: passwordSchema });

export function HomeScreen({ session }: { session: ActiveSession }) {
  const { t } = useTranslation();
  const info = useDesk((state) => state.info);
  const [message, setMessage] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<z.input<typeof changeSchema>>({ resolver: zodResolver(changeSchema) });

  const submit = handleSubmit(async (form) => {
    setMessage(null);
    setFormError(null);
    const result = await api.call('auth.changePassword', form);
    if (!result.ok) return setFormError(applyRpcError(t, result.error, setError, ['currentPassword', 'newPassword']));
    reset();
    setMessage(t('settings.passwordChanged'));
  });

  // A paper sheet being transcribed or reconciled takes the whole page; back, the batches are where they were.
  const work = usePaperWork((state) => state.work);
  if (work?.kind === 'transcribe') return <TranscribeScreen key={`${work.batchId}:${work.serial}`} work={work} certified={session.staff.certified} />;
  if (work?.kind === 'reconcile') return <ReconcileScreen key={`${work.batchId}:${work.serial}`} work={work} />;

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.welcome', { name: session.staff.displayName })}</h1>
      <p>{t('home.intro')}</p>
      {session.permissions.includes('backup.manage') && <BackupReminder />}
      {session.permissions.includes('review.act') && <DueSoonPanel />}
      {session.permissions.includes('intake.create') && <PaperBatchesPanel isLead={isLeadRole(session.staff.role)} canEnter={session.permissions.includes('intake.create')} />}
      {session.permissions.includes('staff.read') && <PaperFigures />}
      <dl className="facts">
        <dt>{t('home.role')}</dt>
        <dd>{t(`role.${session.staff.role}`)}</dd>
        <dt>{t('home.site')}</dt>
        <dd>{info?.siteName}</dd>
        <dt>{t('home.desk')}</dt>
        <dd>{info?.deskName}</dd>
        <dt>{t('home.certified')}</dt>
        <dd>{session.staff.certified ? t('home.certifiedYes') : t('home.certifiedNo')}</dd>
      </dl>
      <form className="card" onSubmit={submit} noValidate aria-labelledby="change-password-title">
        <h2 id="change-password-title">{t('settings.changePasswordTitle')}</h2>
        <TextField label={t('settings.currentPassword')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="current-password" error={fieldMessage(t, formState.errors.currentPassword?.message)} {...register('currentPassword')} />
        <TextField label={t('settings.newPassword')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="new-password" hint={t('setup.passwordHint')} error={fieldMessage(t, formState.errors.newPassword?.message)} {...register('newPassword')} />
        <FormError message={formError} />
        {message && <p role="status" className="success">{message}</p>}
        <button type="submit" disabled={formState.isSubmitting}>
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}
