/** Makes the batch's numbered paper forms as a PDF (in the core, with pdf-lib) and saves it. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

export function PrintFormsButton({ batchId }: { batchId: string }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const print = async () => {
    setBusy(true);
    setError(null);
    const result = await api.call('paper.form.pdf', { batchId, language: i18n.language === 'en' ? 'en' : 'zh-CN' });
    setBusy(false);
    if (!result.ok) return setError(errorMessage(t, result.error));
    const bytes = Uint8Array.from(atob(result.value.pdfBase64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void print()} title={t('paper.batch.printHint')}>
        {t('paper.batch.print')}
      </button>
      {error && <small className="field__error" role="alert">{error}</small>}
    </>
  );
}
