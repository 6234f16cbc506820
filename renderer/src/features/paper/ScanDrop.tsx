/**
 * Attach the scan or photo of one sheet: a file picker, or drop the file on the row. The file goes
 * to the core in pieces (a request is at most 1 MB); the core judges it (type by content, 10 MB,
 * EXIF removed) and stores it encrypted. A refusal is shown here, on this sheet's row.
 */
import { useId, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SCAN_PIECE_BYTES } from '../../../../shared/api/paper-contract';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

interface Props {
  batchId: string;
  serial: number;
  hasScan: boolean;
  onAttached: () => void;
}

export function ScanDrop({ batchId, serial, hasScan, onAttached }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const [view, setView] = useState<{ url: string; type: string } | null>(null);
  const [rotation, setRotation] = useState(0);

  const show = async () => {
    if (view) {
      URL.revokeObjectURL(view.url);
      return setView(null);
    }
    const result = await api.call('paper.scan.get', { batchId, serial });
    if (!result.ok) return setError(errorMessage(t, result.error));
    const bytes = Uint8Array.from(atob(result.value.base64), (c) => c.charCodeAt(0));
    setView({ url: URL.createObjectURL(new Blob([bytes], { type: result.value.type })), type: result.value.type });
  };

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const begun = await api.call('paper.scan.begin', { bytes: file.size });
      if (!begun.ok) return setError(fieldMessage(t, begun.error.fields?.['file']) ?? errorMessage(t, begun.error));
      const bytes = new Uint8Array(await file.arrayBuffer());
      for (let index = 0; index * SCAN_PIECE_BYTES < bytes.length; index += 1) {
        const piece = await api.call('paper.scan.piece', { uploadId: begun.value.uploadId, index, base64: toBase64(bytes.subarray(index * SCAN_PIECE_BYTES, (index + 1) * SCAN_PIECE_BYTES)) });
        if (!piece.ok) return setError(fieldMessage(t, piece.error.fields?.['file']) ?? errorMessage(t, piece.error));
      }
      const attached = await api.call('paper.scan.attach', { uploadId: begun.value.uploadId, batchId, serial });
      if (!attached.ok) return setError(fieldMessage(t, attached.error.fields?.['file']) ?? errorMessage(t, attached.error));
      onAttached();
    } finally {
      setBusy(false);
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) void upload(file);
  };

  return (
    <span className={over ? 'scan-drop scan-drop--over' : 'scan-drop'} onDragOver={(event) => { event.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop} data-testid={`scan-drop-${serial}`}>
      <label htmlFor={id}>{hasScan ? t('paper.scan.replace') : t('paper.scan.attach')}</label>
      <input id={id} type="file" accept="image/jpeg,image/png,application/pdf" disabled={busy} onChange={(event) => { const file = event.target.files?.[0]; event.target.value = ''; if (file) void upload(file); }} />
      {hasScan && <span className="success">{t('paper.scan.attached')}</span>}
      {hasScan && <button type="button" aria-expanded={view !== null} onClick={() => void show()}>{t('paper.scan.view')}</button>}
      {view && view.type !== 'application/pdf' && (
        <span className="scan-view">
          <button type="button" onClick={() => setRotation((rotation + 90) % 360)}>{t('paper.scan.rotate')}</button>
          <img src={view.url} alt={t('paper.scan.alt', { serial })} style={{ transform: `rotate(${rotation}deg)` }} data-testid={`scan-image-${serial}`} />
        </span>
      )}
      {view && view.type === 'application/pdf' && <object data={view.url} type="application/pdf" aria-label={t('paper.scan.alt', { serial })} className="scan-view" />}
      {error && <small className="field__error" role="alert">{error}</small>}
    </span>
  );
}
