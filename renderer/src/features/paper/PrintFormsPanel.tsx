/** Settings: print the numbered paper forms of an open batch (the site's fields, consent, serial + QR). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchSummary } from '../../../../shared/api/paper-contract';
import { formatSerial } from '../../../../shared/domain/paper/serial';
import { api } from '../../lib/api';
import { PrintFormsButton } from './PrintFormsButton';

export function PrintFormsPanel() {
  const { t } = useTranslation();
  const [batches, setBatches] = useState<BatchSummary[]>([]);
  useEffect(() => {
    void api.call('paper.batch.list', { open: true }).then((result) => {
      if (result.ok) setBatches(result.value);
    });
  }, []);
  return (
    <section className="card" aria-labelledby="print-forms-title" data-testid="print-forms">
      <h2 id="print-forms-title">{t('paper.batch.printTitle')}</h2>
      <p className="muted">{t('paper.batch.printHint')}</p>
      {batches.length === 0 ? (
        <p className="muted">{t('paper.noOpenBatches')}</p>
      ) : (
        <ul className="queue">
          {batches.map((batch) => (
            <li key={batch.id} className="queue__item">
              <strong>{batch.code}</strong>
              <span>{t('paper.batch.range', { first: formatSerial(batch.firstSerial), last: formatSerial(batch.firstSerial + batch.count - 1) })}</span>
              <PrintFormsButton batchId={batch.id} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
