/**
 * Paper-form figures for the supervisor (issue 13 item 7): forms per hour per staff member, the
 * double-entry disagreement rate per field and per staff member with each typist's accuracy, and
 * batches open longer than a day. Rates are drawn as bars, so they can be compared at a glance.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { formatSerial } from '../../../../shared/domain/paper/serial';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

type Figures = MethodOutput<'paper.figures'>;
const PERIODS = [1, 7, 30] as const;

function Rate({ value, label }: { value: number | null; label: string }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted">{t('paper.figures.none')}</span>;
  const percent = Math.round(value * 1000) / 10;
  return (
    <span className="rate" aria-label={`${label} ${percent}%`}>
      <span className="rate__bar" style={{ width: `${Math.min(100, percent)}%` }} aria-hidden="true" />
      <span className="rate__text">{percent}%</span>
    </span>
  );
}

export function PaperFigures() {
  const { t } = useTranslation();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(7);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('paper.figures', { days }).then((result) => {
      if (!result.ok) return setError(errorMessage(t, result.error));
      setError(null);
      setFigures(result.value);
    });
  }, [days, t]);

  const fieldLabel = (key: string): string => {
    if (key === 'customerId') return t('paper.reconcile.customer');
    if (key.startsWith('consent.')) return t(`intake.consent.${key.slice('consent.'.length)}`);
    return t(`intake.field.${key}`, { defaultValue: key });
  };

  return (
    <section className="card card--wide" aria-labelledby="paper-figures-title" data-testid="paper-figures">
      <h2 id="paper-figures-title">{t('paper.figures.title')}</h2>
      <div role="group" aria-label={t('paper.figures.period')}>
        {PERIODS.map((period) => (
          <button key={period} type="button" aria-pressed={days === period} onClick={() => setDays(period)}>
            {t('paper.figures.days', { count: period })}
          </button>
        ))}
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      {figures && (
        <>
          <h3>{t('paper.figures.byStaff')}</h3>
          {figures.staff.length === 0 ? (
            <p className="muted">{t('paper.figures.noForms')}</p>
          ) : (
            <table className="table" data-testid="figures-staff">
              <thead>
                <tr>
                  <th scope="col">{t('paper.figures.staff')}</th>
                  <th scope="col">{t('paper.figures.forms')}</th>
                  <th scope="col">{t('paper.figures.perHour')}</th>
                  <th scope="col">{t('paper.figures.disagreement')}</th>
                  <th scope="col">{t('paper.figures.accuracy')}</th>
                </tr>
              </thead>
              <tbody>
                {figures.staff.map((row) => (
                  <tr key={row.staffId}>
                    <th scope="row">{row.staffName}</th>
                    <td>{row.forms}</td>
                    <td>{row.formsPerHour ?? t('paper.figures.none')}</td>
                    <td><Rate value={row.disagreementRate} label={t('paper.figures.disagreement')} /></td>
                    <td><Rate value={row.accuracy} label={t('paper.figures.accuracy')} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('paper.figures.byField')}</h3>
          {figures.fields.length === 0 ? (
            <p className="muted">{t('paper.figures.noDoubleEntry')}</p>
          ) : (
            <table className="table" data-testid="figures-fields">
              <thead>
                <tr>
                  <th scope="col">{t('paper.figures.field')}</th>
                  <th scope="col">{t('paper.figures.compared')}</th>
                  <th scope="col">{t('paper.figures.disagreement')}</th>
                </tr>
              </thead>
              <tbody>
                {figures.fields.map((row) => (
                  <tr key={row.field}>
                    <th scope="row">{fieldLabel(row.field)}</th>
                    <td>{t('paper.figures.differOf', { differing: row.differing, compared: row.compared })}</td>
                    <td><Rate value={row.disagreementRate} label={t('paper.figures.disagreement')} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('paper.figures.lateBatches')}</h3>
          {figures.lateBatches.length === 0 ? (
            <p className="muted">{t('paper.figures.noLateBatches')}</p>
          ) : (
            <ul className="queue" data-testid="figures-late">
              {figures.lateBatches.map((batch) => (
                <li key={batch.id} className="queue__item queue__item--late">
                  <strong>{batch.code}</strong>
                  <span>{batch.place} · {batch.collectedOn}</span>
                  <span>{t('paper.batch.range', { first: formatSerial(batch.firstSerial), last: formatSerial(batch.firstSerial + batch.count - 1) })}</span>
                  <span>{t('paper.batch.accounted', { accounted: batch.accounted, count: batch.count })}</span>
                  <span>{t('paper.ageDays', { count: Math.floor(batch.ageMinutes / (24 * 60)) })}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
