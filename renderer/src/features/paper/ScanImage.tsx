/**
 * The image of a stored scan (for every screen that shows one): a JPEG or PNG as stored, a PDF as
 * the PNG of its first page rendered at import (`paper.scan.image`; a note says when the original
 * has more pages). Fetched from the sync server by the core when another desk attached it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { fromBase64, scanMessage } from './scan-upload';

interface Props {
  scanId: string;
  /** Accessible name of the picture, e.g. "第 1 张表的扫描件". */
  alt: string;
  rotation?: number;
  testId?: string;
}

export function ScanImage({ scanId, alt, rotation = 0, testId }: Props) {
  const { t } = useTranslation();
  const [view, setView] = useState<{ url: string; pages: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let live = true;
    void api.call('paper.scan.image', { scanId }).then((result) => {
      if (!live) return;
      if (!result.ok) return setError(scanMessage(t, result.error));
      url = URL.createObjectURL(new Blob([fromBase64(result.value.base64)], { type: result.value.type }));
      setView({ url, pages: result.value.pages });
    });
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [scanId, t]);

  if (error) return <small className="field__error" role="alert">{error}</small>;
  if (!view) return <span className="muted">{t('paper.scan.loading')}</span>;
  return (
    <span className="scan-view">
      <img src={view.url} alt={alt} style={{ transform: `rotate(${rotation}deg)` }} data-testid={testId} />
      {view.pages > 1 && <small className="muted">{t('paper.scan.firstPageOnly', { pages: view.pages })}</small>}
    </span>
  );
}
