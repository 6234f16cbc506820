/**
 * The audit trail for supervisors, managers and maintainers, with a one-click chain verification.
 * The verification runs off the core's request path and can take many seconds on a season's log
 * (issue 12): its progress shows while it runs, the screen keeps working meanwhile, and its last
 * result (with when it ran) stays for the rest of the session (verify-store.ts).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../../shared/api';
import { useDesk } from '../../app/store';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { displayAuditDetails } from '../../lib/display';
import { errorMessage } from '../../lib/errors';
import { useAuditVerify, useAuditVerifyFor } from './verify-store';

const PAGE = 100;

export function AuditScreen({ canReadStaff }: { canReadStaff: boolean }) {
  const { t, i18n } = useTranslation();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(true);

  const load = useCallback(
    async (beforeSeq?: number) => {
      const result = await api.call('audit.list', beforeSeq === undefined ? { limit: PAGE } : { beforeSeq, limit: PAGE });
      if (!result.ok) return setError(errorMessage(t, result.error));
      setEntries((current) => (beforeSeq === undefined ? result.value : [...current, ...result.value]));
      setMore(result.value.length === PAGE);
    },
    [t],
  );

  useEffect(() => {
    void load();
    if (canReadStaff) void api.call('staff.list').then((result) => result.ok && setNames(new Map(result.value.map((s) => [s.id, s.displayName]))));
  }, [load, canReadStaff]);

  const who = (entry: AuditEntry, id: string | null): string => (id === null ? t('audit.system') : (entry.names?.[id] ?? names.get(id) ?? t('audit.targetKind.other')));
  // The object an entry is about, in words: a staff member's name, else what kind of thing it is (never an id).
  const target = (entry: AuditEntry): string => {
    if (entry.target === null) return '';
    const name = entry.names?.[entry.target] ?? names.get(entry.target);
    if (name !== undefined) return name;
    if (entry.action.startsWith('review.') || entry.action.startsWith('intake.')) return t('audit.targetKind.record');
    if (entry.action.startsWith('customer.')) return t('audit.targetKind.customer');
    if (entry.action.startsWith('settings.')) return t('audit.targetKind.setting');
    if (entry.action === 'backup.created') return entry.target;
    return t('audit.targetKind.other');
  };

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <AuditVerify onRefresh={() => void load()} />
      <FormError message={error} />
      <table className="table" aria-label={t('audit.title')}>
        <thead>
          <tr>
            <th>{t('audit.seq')}</th>
            <th>{t('audit.at')}</th>
            <th>{t('audit.staff')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.target')}</th>
            <th>{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>{new Date(entry.at).toLocaleString(i18n.language)}</td>
              <td>{who(entry, entry.staffId)}</td>
              <td>{t(`action.${entry.action.replaceAll('.', '/')}`, { defaultValue: entry.action })}</td>
              <td>{target(entry)}</td>
              <td data-testid="audit-details">
                {displayAuditDetails(t, i18n.language, entry.details, (id) => who(entry, id))
                  .map(([label, value]) => `${label}${t('common.labelSeparator')}${value}`)
                  .join(t('common.listSeparator'))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && entries.length > 0 && (
        <button type="button" onClick={() => void load(entries[entries.length - 1]?.seq)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}

/**
 * The verify button, its progress while it runs and its last result. A component of its own: the
 * progress changes a few times a second, and only this part of the screen draws again for it.
 */
function AuditVerify({ onRefresh }: { onRefresh: () => void }) {
  const { t, i18n } = useTranslation();
  const staffId = useDesk((state) => (state.session?.state === 'active' ? state.session.staff.id : null));
  const { running, progress, last, error } = useAuditVerifyFor(staffId);
  const runVerify = async (): Promise<void> => {
    if (running || staffId === null) return;
    await useAuditVerify.getState().run(staffId);
    // The verification is on the record now: the list shows it (if the screen is still open).
    onRefresh();
  };
  const number = (value: number): string => value.toLocaleString(i18n.language);
  const percent = progress && progress.total > 0 ? Math.floor((progress.done * 100) / progress.total) : 0;
  return (
    <>
      <div className="actions">
        {/* aria-disabled, not disabled: a keyboard user's focus stays on the button while it runs. */}
        <button type="button" className="primary" aria-disabled={running} onClick={() => void runVerify()}>
          {running ? t('audit.verifying') : t('audit.verify')}
        </button>
        <button type="button" onClick={onRefresh}>
          {t('common.refresh')}
        </button>
      </div>
      {running && (
        <div className="audit-verify-progress" data-testid="audit-verify-progress">
          <progress aria-label={t('audit.progressLabel')} {...(progress && progress.total > 0 ? { max: progress.total, value: progress.done } : {})} />
          <p>{progress ? t('audit.progress', { done: number(progress.done), total: number(progress.total), percent }) : t('audit.progressStarting')}</p>
        </div>
      )}
      {!running && last && (
        <p role="status" className={last.result.ok ? 'success' : 'form-error'} data-testid="audit-verify-result">
          {last.result.ok ? t('audit.intact', { count: last.result.entries }) : t('audit.broken', { seq: last.result.firstBrokenSeq, problem: last.result.problem })}{' '}
          <span className="muted">{t('audit.checkedAt', { at: new Date(last.at).toLocaleString(i18n.language) })}</span>
        </p>
      )}
      <FormError message={!running && error ? errorMessage(t, error) : null} />
    </>
  );
}
