/**
 * Attach the scan or photo of one sheet: a file picker, or drop the file on the row. The screen
 * renders a PDF with pdf.js (a corrupt one is refused here) and reads the QR code; the core judges
 * the file (type by content, 10 MB, EXIF removed), checks that the QR code names this sheet, and
 * stores it encrypted. A refusal is shown here, on this sheet's row.
 */
import { useId, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { attachFile } from './scan-upload';
import { ScanImage } from './ScanImage';

interface Props {
  batchId: string;
  serial: number;
  scanId: string | null;
  onAttached: () => void;
}

export function ScanDrop({ batchId, serial, scanId, onAttached }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const [viewing, setViewing] = useState(false);
  const [rotation, setRotation] = useState(0);
  const hasScan = scanId !== null;

  const send = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const result = await attachFile(t, file, { batchId, serial });
      if (!result.ok) return setError(result.message);
      onAttached();
    } finally {
      setBusy(false);
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) void send(file);
  };

  return (
    <span className={over ? 'scan-drop scan-drop--over' : 'scan-drop'} onDragOver={(event) => { event.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop} data-testid={`scan-drop-${serial}`}>
      <label htmlFor={id}>{hasScan ? t('paper.scan.replace') : t('paper.scan.attach')}</label>
      <input id={id} type="file" accept="image/jpeg,image/png,application/pdf" disabled={busy} onChange={(event) => { const file = event.target.files?.[0]; event.target.value = ''; if (file) void send(file); }} />
      {busy && <span className="muted" role="status">{t('paper.scan.working')}</span>}
      {hasScan && <span className="success">{t('paper.scan.attached')}</span>}
      {hasScan && <button type="button" aria-expanded={viewing} onClick={() => setViewing(!viewing)}>{t('paper.scan.view')}</button>}
      {viewing && scanId && (
        <>
          <button type="button" onClick={() => setRotation((rotation + 90) % 360)}>{t('paper.scan.rotate')}</button>
          <ScanImage scanId={scanId} alt={t('paper.scan.alt', { serial })} rotation={rotation} testId={`scan-image-${serial}`} />
        </>
      )}
      {error && <small className="field__error" role="alert">{error}</small>}
    </span>
  );
}
