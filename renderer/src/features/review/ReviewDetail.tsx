/**
 * One record under review. Cross-check marks fields wrong with a note, and passes or fails it; the
 * lead approves or sends back; the manager gives the final decision; the enterer fixes exactly the
 * noted fields and resubmits. Every decision and its reason lands in the record's history.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput, RpcError } from '../../../../shared/api';
import { type FieldName, type IntakeFields } from '../../../../shared/domain/intake/fields';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import type { MaskedField } from '../../../../shared/domain/masking';
import { FormError } from '../../components/Field';
import { ReasonPrompt } from '../../components/ReasonPrompt';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';
import type { QueueName } from './ReviewScreen';
import { DuplicateCompare } from './DuplicateCompare';
import { ResubmitForm } from './ResubmitForm';
import { ScanViewer } from '../paper/ScanViewer';

type Detail = MethodOutput<'review.intake'>;
type Decision = 'cross_check_passed' | 'cross_check_failed' | 'lead_approved' | 'lead_sent_back' | 'final_approved' | 'final_rejected';

const SHOWN: FieldName[] = ['name', 'mobile', 'idType', 'idNumber', 'birthDate', 'gender', 'landline', 'grade', 'guardianName', 'guardianMobile', 'addressProvince', 'addressCity', 'addressDistrict', 'addressDetail', 'emergencyName', 'emergencyMobile', 'skiDiscipline', 'skiAbility', 'skierType', 'heightCm', 'weightKg', 'bootMondo', 'stance', 'helmet', 'lessons', 'remarks'];
const OPTION_FIELDS = new Set<FieldName>(['idType', 'gender', 'grade', 'skiDiscipline', 'skiAbility', 'skierType', 'stance']);
/** The keys that reveal fields, in the order the fields are listed. */
const REVEAL_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

interface Props {
  intakeId: string;
  queue: QueueName;
  onDone: (message: string) => void;
  onBack: () => void;
}

export function ReviewDetail({ intakeId, queue, onDone, onBack }: Props) {
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [wrong, setWrong] = useState<Record<string, string>>({});
  const [doubtful, setDoubtful] = useState(false);
  const [reason, setReason] = useState('');
  const [fixed, setFixed] = useState<IntakeFields | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [revealed, setRevealed] = useState<Partial<Record<MaskedField, string>>>({});
  const [asking, setAsking] = useState<MaskedField | null>(null);
  const [reasonError, setReasonError] = useState<string | undefined>();
  const sectionRef = useRef<HTMLElement>(null);
  const loaded = detail !== null;

  // Focus the record once it is shown, so the decision keys work at once (the fix form focuses its own field).
  useEffect(() => {
    if (loaded && queue !== 'returnedToMe') sectionRef.current?.focus({ preventScroll: true });
  }, [loaded, queue]);

  useEffect(() => {
    void api.call('review.intake', { intakeId }).then((result) => {
      if (!result.ok) return setError(errorMessage(t, result.error));
      setDetail(result.value);
      setFixed(result.value.fields);
    });
  }, [intakeId, t]);

  const explain = (rpcError: RpcError): string => {
    const refusal = rpcError.details?.['refusal'];
    if (typeof refusal === 'string') return t(`review.refusal.${refusal}`);
    const fields = Object.entries(rpcError.fields ?? {});
    if (fields.length > 0) return fields.map(([field, code]) => `${field === 'reason' ? t('review.reason') : t(`intake.field.${field}`, { defaultValue: field })}${t('common.labelSeparator')}${fieldMessage(t, code) ?? ''}`).join(t('common.clauseSeparator'));
    return errorMessage(t, rpcError);
  };

  const decide = async (decision: Decision): Promise<void> => {
    setError(null);
    const notes = decision === 'cross_check_failed' ? Object.fromEntries(Object.entries(wrong).filter(([, note]) => note.trim() !== '')) : {};
    if (decision === 'cross_check_failed' && Object.keys(notes).length === 0) return setError(t('review.refusal.notes_required'));
    const result = await api.call('review.decide', { intakeId, decision, notes, reason, doubtful });
    if (!result.ok) return setError(explain(result.error));
    onDone(t('review.decided', { status: t(`review.status.${result.value.status}`) }));
  };

  /** Show one masked field in full: by key for the assigned checker, with a typed reason otherwise; the core audits it. */
  const reveal = async (field: MaskedField, typedReason = ''): Promise<void> => {
    setError(null);
    const result = await api.call('review.reveal', { intakeId, field, reason: typedReason });
    if (!result.ok) {
      const message = fieldMessage(t, result.error.fields?.['reason']) ?? explain(result.error);
      return asking ? setReasonError(message) : setError(message);
    }
    setRevealed((current) => ({ ...current, [field]: result.value.value }));
    // Fixing a returned record: the revealed value is what gets edited.
    setFixed((current) => (current && queue === 'returnedToMe' ? { ...current, [field]: result.value.value } : current));
    setAsking(null);
    setReasonError(undefined);
    // The reveal button is gone: keep the decision and reveal keys working.
    if (queue !== 'returnedToMe') sectionRef.current?.focus({ preventScroll: true });
  };
  const askReveal = (field: MaskedField): void => {
    if (detail?.reveal.mode === 'key') void reveal(field);
    else setAsking(field);
  };

  /** A lead settles a record the desks decided differently on (issue 9). */
  const settle = async (status: 'pending_cross_check' | 'returned' | 'valid' | 'rejected'): Promise<void> => {
    setError(null);
    const result = await api.call('review.settle', { intakeId, status, reason });
    if (!result.ok) return setError(explain(result.error));
    onDone(t('review.decided', { status: t(`review.status.${result.value.status}`) }));
  };

  const resubmit = async (): Promise<void> => {
    if (!fixed) return;
    setError(null);
    const result = await api.call('intake.resubmit', { intakeId, fields: fixed });
    setServerErrors(result.ok ? {} : (result.error.fields ?? {}));
    if (!result.ok) return setError(explain(result.error));
    onDone(t('review.decided', { status: t(`review.status.${result.value.status}`) }));
  };

  if (!detail || !fixed) return <FormError message={error} />;

  const fixing = queue === 'returnedToMe';
  // Fixing: the table keeps what the checker noted; the whole record is edited in the entry form below.
  const rows = SHOWN.filter((field) => (fixing ? Boolean(detail.returnNotes[field]) : detail.fields[field] !== '' || Boolean(detail.returnNotes[field]) || detail.marks[field] !== undefined));
  const revealable = new Set<FieldName>(detail.reveal.fields);
  const keyOf = new Map<FieldName, string>();
  if (detail.reveal.mode === 'key') rows.filter((row) => revealable.has(row)).forEach((field, index) => { const key = REVEAL_KEYS[index]; if (key) keyOf.set(field, key); });

  /** Letter keys decide when focus is not in a text box: P pass, F fail, A approve, R send back / reject, Esc back. */
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    const target = event.target as HTMLElement;
    if (event.key === 'Escape') return onBack();
    if (target.tagName === 'INPUT' && (target as HTMLInputElement).type !== 'checkbox') return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    const byKey = [...keyOf].find(([, revealKey]) => revealKey === key)?.[0];
    if (byKey && revealed[byKey as MaskedField] === undefined) void reveal(byKey as MaskedField);
    else if (queue === 'crossCheck' && key === 'p') void decide('cross_check_passed');
    else if (queue === 'crossCheck' && key === 'f') void decide('cross_check_failed');
    else if (queue === 'leadApproval' && key === 'a') void decide('lead_approved');
    else if (queue === 'finalReview' && key === 'a') void decide('final_approved');
    else if ((queue === 'leadApproval' || queue === 'finalReview') && key === 'r') {
      event.preventDefault();
      document.getElementById('review-reason')?.focus();
    } else return;
    event.preventDefault();
  };

  const display = (field: FieldName, value: string | boolean): string => {
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    if (value !== '' && OPTION_FIELDS.has(field)) return t(`intake.option.${field}.${value}`, { defaultValue: value });
    return value;
  };
  const record = (
    <section aria-labelledby="review-detail-title" className="review-detail" onKeyDown={onKeyDown} tabIndex={-1} ref={sectionRef}>
      <div className="actions">
        <button type="button" onClick={onBack}>← {t('review.back')}</button>
      </div>
      <h1 id="review-detail-title">
        {t(`review.queue.${queue}`)} · {t(`review.status.${detail.status}`)}
      </h1>
      {detail.events
        .filter((event) => event.doubtful)
        .map((event) => (
          <p key={`doubtful-${event.at}`} className="banner banner--warning" role="status" data-testid="doubtful-banner">
            {event.reason ? t('review.doubtfulBy', { name: event.byName, reason: event.reason }) : t('review.doubtfulByNoReason', { name: event.byName })}
          </p>
        ))}
      <DuplicateCompare fields={detail.fields} duplicates={detail.possibleDuplicates} />
      {detail.paper?.otherIntakes && detail.paper.otherIntakes.length > 0 && (
        <p className="banner banner--warning" role="status" data-testid="paper-other-intakes">
          {t('review.paperOtherIntakes', { formNo: detail.paper.formNo, count: detail.paper.otherIntakes.length })}
        </p>
      )}
      {detail.blankOnForm.length > 0 && (
        <p className="banner banner--warning" role="status" data-testid="needs-details">
          {t('review.needsDetails', { fields: detail.blankOnForm.map((field) => t(`intake.field.${field}`, { defaultValue: field })).join(t('common.listSeparator')) })}
        </p>
      )}
      {detail.flags.length > 0 && <p>{detail.flags.map((flag) => <span key={flag} className="badge-flag">{t(`review.flag.${flag}`, { defaultValue: flag })}</span>)}</p>}
      <p className="muted" data-testid="masked-notice">
        {detail.reveal.mode === 'key' && keyOf.size > 0 ? t('review.keyHint') : detail.reveal.mode === 'reason' ? t('review.reasonHint') : t('review.maskedNotice')}
      </p>
      {asking && (
        <ReasonPrompt label={t('review.revealReason')} confirmLabel={t('review.reveal')} error={reasonError} onConfirm={(typed) => void reveal(asking, typed)} onCancel={() => { setAsking(null); setReasonError(undefined); }} />
      )}
      {detail.lastReason && <p className="banner banner--warning" role="status">{t('review.lastReason', { reason: detail.lastReason })}</p>}
      {detail.attention.map((note) => (
        <p key={`${note.kind}-${note.at}`} className="banner banner--warning" role="status" data-testid="review-attention">
          {t('review.attentionBanner', { event: t(`review.event.${note.kind}`), refusal: t(`review.refusal.${note.refusal}`, { defaultValue: note.refusal }) })}
        </p>
      ))}

      {Object.keys(detail.changedSinceCheck).length > 0 && (
        <section aria-labelledby="changed-title">
          <h2 id="changed-title">{t('review.changed')}</h2>
          <table className="table" data-testid="changed-since-check">
            <thead><tr><th /><th>{t('review.before')}</th><th>{t('review.after')}</th></tr></thead>
            <tbody>
              {Object.entries(detail.changedSinceCheck).map(([field, change]) => (
                <tr key={field}><td>{t(`intake.field.${field}`, { defaultValue: field })}</td><td className="diff-before">{change.before}</td><td className="diff-after">{change.after}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <table className="table review-fields">
        <tbody>
          {rows.map((field) => (
            <tr key={field} className={wrong[field] !== undefined || detail.returnNotes[field] ? 'row--flagged' : undefined}>
              <th scope="row">
                {t(`intake.field.${field}`)}
                {detail.marks[field] && <span className={`mark mark--${detail.marks[field]}`} data-testid={`mark-${field}`}>{t(`review.mark.${detail.marks[field]}`)}</span>}
              </th>
              <td>
                <span data-testid={`review-value-${field}`}>{revealed[field as MaskedField] ?? display(field, detail.fields[field])}</span>
                {!fixing && revealable.has(field) && revealed[field as MaskedField] === undefined && (
                  <button type="button" className="link" data-testid={`reveal-${field}`} onClick={() => askReveal(field as MaskedField)}>
                    {t('review.reveal')}
                    {keyOf.has(field) && <> <kbd>{keyOf.get(field)}</kbd></>}
                  </button>
                )}
              </td>
              <td>
                {detail.returnNotes[field] && <span className="field__error">{t('review.notesFromChecker')}{t('common.labelSeparator')}{detail.returnNotes[field]}</span>}
                {queue === 'crossCheck' && (
                  <span className="row-actions">
                    <label><input type="checkbox" checked={wrong[field] !== undefined} onChange={(event) => { const checked = event.target.checked; setWrong((current) => (checked ? { ...current, [field]: '' } : Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)))); }} /> {t('review.fieldWrong')}</label>
                    {wrong[field] !== undefined && <input aria-label={`${t(`intake.field.${field}`)} ${t('review.note')}`} placeholder={t('review.note')} value={wrong[field]} maxLength={INPUT_LIMITS.reviewNote} autoFocus onChange={(event) => setWrong((current) => ({ ...current, [field]: event.target.value }))} />}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {fixing && (
        <ResubmitForm
          stored={detail.fields}
          fields={fixed}
          onChange={(change) => setFixed((current) => (current ? change(current) : current))}
          serverErrors={serverErrors}
          noted={SHOWN.filter((field) => Boolean(detail.returnNotes[field]))}
          onReveal={(field) => askReveal(field as MaskedField)}
          onSubmit={() => void resubmit()}
          submitLabel={t('review.resubmit')}
        />
      )}
      <FormError message={error} />
      <div className="actions">
        {queue === 'crossCheck' && (
          <>
            <label><input type="checkbox" checked={doubtful} onChange={(event) => setDoubtful(event.target.checked)} /> {t('review.doubtful')}</label>
            {doubtful && <input aria-label={t('review.doubtfulReason')} placeholder={t('review.doubtfulReason')} value={reason} maxLength={INPUT_LIMITS.reviewReason} onChange={(event) => setReason(event.target.value)} />}
            <button type="button" className="primary" onClick={() => void decide('cross_check_passed')}>{t('review.pass')} <kbd>P</kbd></button>
            <button type="button" onClick={() => void decide('cross_check_failed')}>{t('review.fail')} <kbd>F</kbd></button>
          </>
        )}
        {(queue === 'leadApproval' || queue === 'finalReview') && (
          <>
            <button type="button" className="primary" onClick={() => void decide(queue === 'leadApproval' ? 'lead_approved' : 'final_approved')}>{queue === 'leadApproval' ? t('review.approve') : t('review.finalApprove')} <kbd>A</kbd></button>
            <input id="review-reason" aria-label={t('review.reason')} placeholder={`${t('review.reason')} (R)`} value={reason} maxLength={INPUT_LIMITS.reviewReason} onChange={(event) => setReason(event.target.value)} onKeyDown={(event) => { if (event.key === 'Enter' && reason.trim()) void decide(queue === 'leadApproval' ? 'lead_sent_back' : 'final_rejected'); }} />
            <button type="button" onClick={() => void decide(queue === 'leadApproval' ? 'lead_sent_back' : 'final_rejected')}>{queue === 'leadApproval' ? t('review.sendBack') : t('review.finalReject')}</button>
          </>
        )}
        {(detail.status === 'needs_attention' || (queue === 'attention' && detail.attention.length > 0)) && (
          <div className="actions" data-testid="settle">
            <p className="banner banner--warning" role="status">{t('review.settle.note')}</p>
            <input aria-label={t('review.reason')} placeholder={t('review.reason')} value={reason} maxLength={INPUT_LIMITS.reviewReason} onChange={(event) => setReason(event.target.value)} />
            {(['valid', 'pending_cross_check', 'returned', 'rejected'] as const).map((status) => (
              <button key={status} type="button" onClick={() => void settle(status)}>{t(`review.settle.to.${status}`)}</button>
            ))}
          </div>
        )}
      </div>

      <h2>{t('review.history')}</h2>
      <ol className="timeline" data-testid="review-history">
        {detail.events.map((event, index) => (
          <li key={index}>
            {new Date(event.at).toLocaleString(i18n.language)} · {t(`review.event.${event.kind}`)} · {event.byName}
            {event.coEntrantNames ? ` · ${t('review.coEntrants', { names: event.coEntrantNames.join(t('common.listSeparator')) })}` : ''}
            {event.reconciledByName ? ` · ${t('review.reconciledBy', { name: event.reconciledByName })}` : ''}
            {event.reason ? ` · ${event.reason}` : ''}
            {event.notes ? ` · ${Object.entries(event.notes).map(([field, note]) => `${t(`intake.field.${field}`, { defaultValue: field })}${t('common.labelSeparator')}${note}`).join(t('common.clauseSeparator'))}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
  // A paper intake: the scan of its form beside the record, to check one against the other (issue 13 item 6).
  if (!detail.paper) return record;
  return (
    <div className="review-with-scan" data-testid="review-with-scan">
      <ScanViewer batchId={detail.paper.batchId} serial={detail.paper.serial} title={t('review.paperForm', { formNo: detail.paper.formNo })} />
      {record}
    </div>
  );
}
