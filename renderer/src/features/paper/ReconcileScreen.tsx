/**
 * Reconciling a double-entered sheet (issue 13 item 5), for the group lead: the scan on one side,
 * and for each field the two transcriptions differ on, both values: pick one (1 / 2) or type what
 * the paper says. The core checks the record so made like any entry, names the field it refuses,
 * and audits every decision; what the two typists agreed on is listed masked below.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { FormError } from '../../components/Field';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';
import { ScanViewer } from './ScanViewer';
import { usePaperWork, type PaperWork } from './work';

type View = MethodOutput<'paper.reconcile.get'>;
type Pick = 'a' | 'b' | 'other';

export function ReconcileScreen({ work }: { work: PaperWork }) {
  const { t } = useTranslation();
  const finish = usePaperWork((state) => state.finish);
  const [view, setView] = useState<View | null>(null);
  const [picks, setPicks] = useState<Record<string, Pick>>({});
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [field, setField] = useState<string | null>(null);

  useEffect(() => {
    void api.call('paper.reconcile.get', { batchId: work.batchId, serial: work.serial }).then((result) => {
      if (!result.ok) return setError(errorMessage(t, result.error));
      setView(result.value);
    });
  }, [work.batchId, work.serial, t]);

  const label = (key: string): string => {
    if (key === 'customerId') return t('paper.reconcile.customer');
    if (key.startsWith('consent.')) return t(`intake.consent.${key.slice('consent.'.length)}`);
    return t(`intake.field.${key}`, { defaultValue: key });
  };
  const shown = (key: string, value: string | boolean | null, blankOnForm = false): string => {
    // Left blank by the customer and marked so by the typist (表上未填), not just typed empty.
    if (blankOnForm) return t('paper.blankOnForm.marked');
    if (key === 'customerId') return value ? t('paper.reconcile.returning') : t('paper.reconcile.newCustomer');
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    if (value === null || value === '') return t('paper.reconcile.empty');
    return value;
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!view) return;
    setError(null);
    const choices: Record<string, { pick: 'a' | 'b' } | { value: string }> = {};
    for (const row of view.rows.filter((each) => each.differs)) {
      const pick = picks[row.key];
      if (pick === 'a' || pick === 'b') choices[row.key] = { pick };
      else if (pick === 'other') choices[row.key] = { value: typed[row.key] ?? '' };
    }
    const result = await api.call('paper.reconcile.decide', { batchId: work.batchId, serial: work.serial, choices });
    if (!result.ok) {
      setErrors(result.error.fields ?? {});
      return setError(result.error.fields ? t('paper.reconcile.fix') : errorMessage(t, result.error));
    }
    finish(t('paper.reconcile.done', { formNo: view.formNo }));
  };

  const differing = view?.rows.filter((row) => row.differs) ?? [];
  const agreeing = view?.rows.filter((row) => !row.differs) ?? [];
  return (
    <div className="paper-work" data-testid="reconcile-screen">
      <ScanViewer batchId={work.batchId} serial={work.serial} field={field} title={work.formNo} />
      <section className="paper-work__form" aria-labelledby="reconcile-title">
        <h1 id="reconcile-title">{t('paper.reconcile.title', { formNo: work.formNo })}</h1>
        {view && <p className="muted">{t('paper.reconcile.intro', { a: view.typists.a, b: view.typists.b })}</p>}
        <form onSubmit={(event) => void submit(event)} noValidate>
          {differing.map((row, index) => {
            const name = `pick-${row.key}`;
            const problem = errors[row.key];
            return (
              <fieldset key={row.key} className="form-section reconcile__field" data-testid={`reconcile-${row.key}`} onFocus={() => setField(row.key.startsWith('consent.') || row.key === 'customerId' ? null : row.key)}>
                <legend>{label(row.key)}</legend>
                <label className="field--checkbox field">
                  <input type="radio" name={name} checked={picks[row.key] === 'a'} autoFocus={index === 0} onChange={() => setPicks({ ...picks, [row.key]: 'a' })} />
                  <span>{t('paper.reconcile.fromA', { name: view?.typists.a })}</span> <strong className="mono">{shown(row.key, row.a, row.aBlankOnForm)}</strong>
                </label>
                <label className="field--checkbox field">
                  <input type="radio" name={name} checked={picks[row.key] === 'b'} onChange={() => setPicks({ ...picks, [row.key]: 'b' })} />
                  <span>{t('paper.reconcile.fromB', { name: view?.typists.b })}</span> <strong className="mono">{shown(row.key, row.b, row.bBlankOnForm)}</strong>
                </label>
                {row.key !== 'customerId' && (
                  <label className="field--checkbox field">
                    <input type="radio" name={name} checked={picks[row.key] === 'other'} onChange={() => setPicks({ ...picks, [row.key]: 'other' })} />
                    <span>{t('paper.reconcile.other')}</span>
                    <input
                      type="text"
                      aria-label={t('paper.reconcile.otherFor', { field: label(row.key) })}
                      value={typed[row.key] ?? ''}
                      maxLength={500}
                      onChange={(event) => {
                        setTyped({ ...typed, [row.key]: event.target.value });
                        setPicks({ ...picks, [row.key]: 'other' });
                      }}
                    />
                  </label>
                )}
                {problem && <small className="field__error" role="alert">{fieldMessage(t, problem) ?? problem}</small>}
              </fieldset>
            );
          })}
          <FormError message={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={!view}>{t('paper.reconcile.confirm')}</button>
            <button type="button" onClick={() => finish()}>{t('paper.transcribe.later')}</button>
          </div>
        </form>
        {agreeing.length > 0 && (
          <details>
            <summary>{t('paper.reconcile.agreed', { count: agreeing.length })}</summary>
            <dl className="facts">
              {agreeing.map((row) => (
                <div key={row.key} className="facts__row">
                  <dt>{label(row.key)}</dt>
                  <dd>{shown(row.key, row.a, row.aBlankOnForm)}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </section>
    </div>
  );
}
