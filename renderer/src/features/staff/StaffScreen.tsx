/** The staff roster: managers add people, change roles and certification, reset passwords, lift lockouts. */
import { zodResolver } from '@hookform/resolvers/zod';
import { useCallback, useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { METHODS } from '../../../../shared/api';
import { ROLES, type Role } from '../../../../shared/domain/auth/roles';
import type { Staff } from '../../../../shared/domain/auth/staff';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { CheckboxField, FormError, SelectField, TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';
import { applyRpcError } from '../../lib/forms';

const createSchema = METHODS['staff.create'].input;
type CreateForm = z.input<typeof createSchema>;

export function StaffScreen({ canManage, selfId }: { canManage: boolean; selfId: string }) {
  const { t } = useTranslation();
  const [staff, setStaff] = useState<Staff[]>([]);
  const [listError, setListError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const result = await api.call('staff.list');
    if (result.ok) setStaff(result.value);
    else setListError(errorMessage(t, result.error));
  }, [t]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }));

  return (
    <section aria-labelledby="staff-title">
      <h1 id="staff-title">{t('staff.title')}</h1>
      {!canManage && <p className="muted">{t('staff.readOnly')}</p>}
      {canManage && <CreateStaff roleOptions={roleOptions} onCreated={(name) => { setMessage(t('staff.created', { name })); void refresh(); }} />}
      {message && <p role="status" className="success">{message}</p>}
      <FormError message={listError} />
      <table className="table" aria-label={t('staff.title')}>
        <thead>
          <tr>
            <th>{t('staff.displayName')}</th>
            <th>{t('staff.username')}</th>
            <th>{t('staff.role')}</th>
            <th>{t('staff.certified')}</th>
            <th>{t('staff.status')}</th>
            {canManage && <th>{t('staff.edit')}</th>}
          </tr>
        </thead>
        <tbody>
          {staff.length === 0 && (
            <tr>
              <td colSpan={6}>{t('staff.empty')}</td>
            </tr>
          )}
          {staff.map((member) => (
            <StaffRow key={member.id} member={member} canManage={canManage} isSelf={member.id === selfId} roleOptions={roleOptions} onChanged={(text) => { setMessage(text); void refresh(); }} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CreateStaff({ roleOptions, onCreated }: { roleOptions: Array<{ value: string; label: string }>; onCreated: (name: string) => void }) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<string | null>(null);
  const { register, handleSubmit, setError, reset, formState } = useForm<CreateForm>({
    resolver: zodResolver(createSchema),
    defaultValues: { username: '', displayName: '', role: 'specialist', certified: false, password: '', passwordSetByStaff: false },
  });
  const errors = formState.errors;

  const submit = handleSubmit(async (form) => {
    setFormError(null);
    const result = await api.call('staff.create', form);
    if (!result.ok) return setFormError(applyRpcError(t, result.error, setError, ['username', 'displayName', 'role', 'certified', 'password']));
    reset();
    onCreated(result.value.displayName);
  });

  return (
    <form className="card card--inline" onSubmit={submit} noValidate aria-labelledby="add-staff-title">
      <h2 id="add-staff-title">{t('staff.add')}</h2>
      <TextField label={t('staff.displayName')} maxLength={INPUT_LIMITS.displayName} error={fieldMessage(t, errors.displayName?.message)} {...register('displayName')} />
      <TextField label={t('staff.username')} maxLength={INPUT_LIMITS.username} hint={t('setup.usernameHint')} autoComplete="off" error={fieldMessage(t, errors.username?.message)} {...register('username')} />
      <SelectField label={t('staff.role')} options={roleOptions} error={fieldMessage(t, errors.role?.message)} {...register('role')} />
      <TextField label={t('staff.password')} maxLength={INPUT_LIMITS.password} type="password" autoComplete="new-password" hint={t('setup.passwordHint')} error={fieldMessage(t, errors.password?.message)} {...register('password')} />
      <CheckboxField label={t('staff.certified')} {...register('certified')} />
      <CheckboxField label={t('staff.passwordSetByStaff')} {...register('passwordSetByStaff')} />
      <FormError message={formError} />
      <button type="submit" className="primary" disabled={formState.isSubmitting}>
        {t('staff.create')}
      </button>
    </form>
  );
}

interface RowProps {
  member: Staff;
  canManage: boolean;
  isSelf: boolean;
  roleOptions: Array<{ value: string; label: string }>;
  onChanged: (message: string) => void;
}

function StaffRow({ member, canManage, roleOptions, onChanged }: RowProps) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(member.role);
  const [certified, setCertified] = useState(member.certified);
  const [active, setActive] = useState(member.active);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const status = !member.active
    ? t('staff.statusInactive')
    : member.lockedUntil
      ? t('staff.statusLocked', { time: new Date(member.lockedUntil).toLocaleTimeString(i18n.language) })
      : member.mustChangePassword
        ? t('staff.mustChangePassword')
        : t('staff.statusActive');

  const save = async (): Promise<void> => {
    setError(null);
    const result = await api.call('staff.update', { id: member.id, role, certified, active });
    if (!result.ok) return setError(result.error.fields ? Object.values(result.error.fields).map((code) => fieldMessage(t, code)).join(t('common.clauseSeparator')) : errorMessage(t, result.error));
    setEditing(false);
    onChanged(t('staff.updated'));
  };

  const resetPassword = async (): Promise<void> => {
    setError(null);
    const result = await api.call('staff.resetPassword', { id: member.id, password });
    if (!result.ok) return setError(result.error.fields?.['password'] ? (fieldMessage(t, result.error.fields['password']) ?? null) : errorMessage(t, result.error));
    setPassword('');
    onChanged(t('staff.passwordReset'));
  };

  const unlock = async (): Promise<void> => {
    const result = await api.call('staff.unlock', { id: member.id });
    if (!result.ok) return setError(errorMessage(t, result.error));
    onChanged(t('staff.unlocked'));
  };

  return (
    <tr data-testid={`staff-${member.username}`}>
      <td>{member.displayName}</td>
      <td>{member.username}</td>
      <td>
        {editing ? (
          <select aria-label={t('staff.role')} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roleOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        ) : (
          t(`role.${member.role}`)
        )}
      </td>
      <td>{editing ? <input type="checkbox" aria-label={t('staff.certified')} checked={certified} onChange={(event) => setCertified(event.target.checked)} /> : member.certified ? t('common.yes') : t('common.no')}</td>
      <td>
        {editing ? (
          <label>
            <input type="checkbox" checked={active} onChange={(event) => setActive(event.target.checked)} /> {t('staff.active')}
          </label>
        ) : (
          status
        )}
      </td>
      {canManage && (
        <td className="row-actions">
          {editing ? (
            <>
              <button type="button" className="primary" onClick={() => void save()}>{t('common.save')}</button>
              <button type="button" onClick={() => setEditing(false)}>{t('common.cancel')}</button>
              <input type="password" maxLength={INPUT_LIMITS.password} aria-label={t('staff.newPassword')} placeholder={t('staff.newPassword')} value={password} autoComplete="new-password" onChange={(event) => setPassword(event.target.value)} />
              <button type="button" onClick={() => void resetPassword()} disabled={!password}>{t('staff.resetPassword')}</button>
            </>
          ) : (
            <>
              <button type="button" onClick={() => setEditing(true)}>{t('staff.edit')}</button>
              {member.lockedUntil && <button type="button" onClick={() => void unlock()}>{t('staff.unlock')}</button>}
            </>
          )}
          {error && <small className="field__error" role="alert">{error}</small>}
        </td>
      )}
    </tr>
  );
}
