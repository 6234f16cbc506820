/** The profile card (客户资料卡): masked fields, reveal with a reason, intakes, and each field’s history. */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { REVEALABLE_FIELDS } from '../../../../shared/api/intake-contract';
import { FormError } from '../../components/Field';
import { ReasonPrompt } from '../../components/ReasonPrompt';
import { api } from '../../lib/api';
import { displayFieldValue } from '../../lib/display';
import { errorMessage, fieldMessage } from '../../lib/errors';
import { formatDuration } from '../intake/WalkInScreen';

type Card = MethodOutput<'customers.card'>;

const OTHER_FIELDS = ['landline', 'skiDiscipline', 'skiAbility', 'skierType', 'heightCm', 'weightKg', 'bootMondo', 'stance', 'helmet', 'lessons', 'remarks'] as const;
const OPTION_FIELDS: ReadonlySet<string> = new Set(['skiDiscipline', 'skiAbility', 'skierType', 'stance']);
type Revealable = (typeof REVEALABLE_FIELDS)[number];

export function CustomerCard({ id, canReveal, canCorrect, onClose, onCorrect }: { id: string; canReveal: boolean; canCorrect: boolean; onClose: () => void; onCorrect: () => void }) {
  const { t, i18n } = useTranslation();
  const [card, setCard] = useState<Card | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Revealable | null>(null);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [revealed, setRevealed] = useState<Partial<Record<Revealable, string>>>({});
  const [correcting, setCorrecting] = useState(false);
  const [correctionError, setCorrectionError] = useState<string | undefined>();
  const [settling, setSettling] = useState<{ field: string; keepAsOf: string } | null>(null);
  const [settleError, setSettleError] = useState<string | undefined>();

  const load = useCallback(() => {
    void api.call('customers.card', { id }).then((result) => (result.ok ? setCard(result.value) : setError(errorMessage(t, result.error))));
  }, [id, t]);

  const settle = async (reason: string): Promise<void> => {
    if (!settling) return;
    const field = settling.field as 'name' | 'idNumber' | 'birthDate' | 'mobile';
    const result = await api.call('customers.resolveConflict', { id, field, keepAsOf: settling.keepAsOf, reason });
    if (!result.ok) return setSettleError(fieldMessage(t, result.error.fields?.['reason']) ?? errorMessage(t, result.error));
    setSettling(null);
    setSettleError(undefined);
    load();
  };

  const openCorrection = async (reason: string): Promise<void> => {
    const result = await api.call('intake.draft.start', { customerId: id, source: 'correction', reason });
    if (!result.ok) return setCorrectionError(fieldMessage(t, result.error.fields?.['reason']) ?? errorMessage(t, result.error));
    onCorrect();
  };

  useEffect(() => {
    load();
  }, [load]);

  const reveal = async (reason: string): Promise<void> => {
    if (!asking) return;
    const result = await api.call('customers.reveal', { id, field: asking, reason });
    if (!result.ok) return setReasonError(fieldMessage(t, result.error.fields?.['reason']) ?? errorMessage(t, result.error));
    setRevealed((current) => ({ ...current, [asking]: result.value.value }));
    setAsking(null);
    setReasonError(undefined);
  };

  if (error) return <FormError message={error} />;
  if (!card) return <p>{t('app.loading')}</p>;

  const row = (field: string, value: string | boolean | undefined, revealable?: Revealable) => (
    <div className="facts__row" key={field}>
      <dt>{t(`intake.field.${field}`)}</dt>
      <dd>
        <span data-testid={`card-${field}`}>{revealable && revealed[revealable] !== undefined ? revealed[revealable] : typeof value === 'boolean' ? (value ? t('common.yes') : t('common.no')) : value}</span>
        {revealable && canReveal && revealed[revealable] === undefined && (
          <button type="button" className="link" onClick={() => setAsking(revealable)}>{t('search.reveal')}</button>
        )}
        {revealable && revealed[revealable] !== undefined && (
          <button type="button" className="link" onClick={() => setRevealed((current) => ({ ...current, [revealable]: undefined }))}>{t('search.hide')}</button>
        )}
      </dd>
    </div>
  );

  return (
    <section aria-labelledby="card-title" className="customer-card">
      <div className="actions">
        <button type="button" onClick={onClose} autoFocus>← {t('search.title')}</button>
      </div>
      <h1 id="card-title">{t('search.card')}{t('common.labelSeparator')}{card.summary.name}</h1>
      {canCorrect && !correcting && <button type="button" onClick={() => setCorrecting(true)}>{t('search.correct')}</button>}
      {correcting && (
        <ReasonPrompt label={t('search.correctionReason')} confirmLabel={t('search.correctStart')} error={correctionError} onConfirm={(reason) => void openCorrection(reason)} onCancel={() => setCorrecting(false)} />
      )}
      {asking && (
        <ReasonPrompt label={t('search.revealReason')} confirmLabel={t('search.revealConfirm')} error={reasonError} onConfirm={(reason) => void reveal(reason)} onCancel={() => setAsking(null)} />
      )}
      {card.conflicts.length > 0 && (
        <section className="banner banner--warning" aria-labelledby="conflicts-title" data-testid="card-conflicts">
          <h2 id="conflicts-title">{t('search.conflictsTitle')}</h2>
          <p>{t('search.conflictNote')}</p>
          <table className="table">
            <tbody>
              {card.conflicts.map((conflict) => (
                <tr key={`${conflict.field}-${conflict.otherAsOf}`} data-testid="card-conflict">
                  <th scope="row">{t(`intake.field.${conflict.field}`, { defaultValue: conflict.field })}</th>
                  <td>
                    {t('search.conflictShown')}{t('common.labelSeparator')}<span className="mono">{conflict.shown}</span>{' '}
                    <button type="button" className="link" onClick={() => setSettling({ field: conflict.field, keepAsOf: conflict.shownAsOf })}>{t('search.keepValue')}</button>
                  </td>
                  <td>{t('search.conflictOther')}{t('common.labelSeparator')}<span className="mono">{conflict.other}</span></td>
                  <td>
                    <button type="button" onClick={() => setSettling({ field: conflict.field, keepAsOf: conflict.otherAsOf })}>{t('search.keepValue')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {settling && <ReasonPrompt label={t('search.conflictReason')} confirmLabel={t('search.conflictResolve')} error={settleError} onConfirm={(reason) => void settle(reason)} onCancel={() => setSettling(null)} />}
        </section>
      )}
      <dl className="facts">
        {row('name', card.fields['name'], 'name')}
        {row('mobile', card.fields['mobile'], 'mobile')}
        {row('idNumber', card.fields['idNumber'], 'idNumber')}
        {row('birthDate', card.fields['birthDate'], 'birthDate')}
        {row('gender', typeof card.fields['gender'] === 'string' ? t(`intake.option.gender.${card.fields['gender']}`) : '')}
        {row('grade', t(`intake.option.grade.${card.summary.grade}`))}
        {row('addressProvince', [card.fields['addressProvince'], card.fields['addressCity'], card.fields['addressDistrict'], card.fields['addressDetail']].filter(Boolean).join(' '), 'address')}
        {row('emergencyName', card.fields['emergencyName'])}
        {row('emergencyMobile', card.fields['emergencyMobile'], 'emergencyMobile')}
        {/* Everything else the record holds, so a repeat visit shows what earlier visits said. */}
        {OTHER_FIELDS.filter((field) => card.fields[field] !== undefined && card.fields[field] !== '').map((field) => {
          const value = card.fields[field];
          return row(field, typeof value === 'string' && OPTION_FIELDS.has(field) ? t(`intake.option.${field}.${value}`, { defaultValue: value }) : value);
        })}
      </dl>
      <h2>{t('search.intakes')}</h2>
      <table className="table">
        <tbody>
          {card.intakes.map((intake) => (
            <tr key={intake.id} data-testid="card-intake">
              <td>{new Date(intake.submittedAt).toLocaleString(i18n.language)}</td>
              <td>{t(`search.source.${intake.source}`, { defaultValue: intake.source })}</td>
              <td>{t(`search.status.${intake.status}`, { defaultValue: intake.status })}</td>
              <td>{t('search.duration')} {formatDuration(intake.durationMs)}</td>
              <td>{intake.customerPresent ? t('search.present') : t('search.left')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('search.history')}</h2>
      <table className="table">
        <tbody>
          {card.history.map((entry, index) => {
            const visit = card.intakes.find((intake) => intake.id === entry.intakeId);
            return (
              <tr key={`${entry.field}-${index}`} data-testid="history-row" data-field={entry.field} data-intake={entry.intakeId ?? ''}>
                <td>{new Date(entry.at).toLocaleString(i18n.language)}</td>
                <td>{t(`intake.field.${entry.field}`, { defaultValue: entry.field })}</td>
                <td data-testid="history-value">{displayFieldValue(t, i18n.language, entry.field, entry.value)}</td>
                <td data-testid="history-staff">{entry.staffName ?? (entry.staffId === null ? t('audit.system') : '')}</td>
                <td>
                  {visit
                    ? t('search.historyVisit', { source: t(`search.source.${visit.source}`, { defaultValue: visit.source }), time: new Date(visit.submittedAt).toLocaleString(i18n.language) })
                    : t('search.historyNoVisit')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
