/**
 * The scan of one paper sheet beside the form (issue 13 items 4–6): zoom, pan, rotate and fit by
 * keyboard (the keys are listed under the picture) or mouse; when the form is ours, the box of the
 * field being typed is highlighted on the scan (the form's layout comes from the core, which laid
 * the form out). Opening a scan is audited by the core; the image never leaves this window.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../../shared/api';
import { api } from '../../lib/api';
import { errorMessage } from '../../lib/errors';

type Region = MethodOutput<'paper.form.layout'>['regions'][number];

const ZOOM_STEP = 1.25;
const ZOOM_MIN = 0.5;
const ZOOM_MAX = 6;
const PAN_STEP = 60;

interface Props {
  batchId: string;
  serial: number;
  /** The field the cursor is in (its box is highlighted), or null. */
  field?: string | null;
  /** A short label above the picture (the form's number). */
  title: string;
}

export function ScanViewer({ batchId, serial, field = null, title }: Props) {
  const { t, i18n } = useTranslation();
  const [scan, setScan] = useState<{ url: string; type: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [regions, setRegions] = useState<Region[]>([]);
  const [zoom, setZoom] = useState(1);
  const [rotation, setRotation] = useState(0);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; panX: number; panY: number } | null>(null);

  useEffect(() => {
    let url: string | null = null;
    let current = true;
    void api.call('paper.scan.get', { batchId, serial }).then((result) => {
      if (!current) return;
      if (!result.ok) return setError(result.error.code === 'NOT_FOUND' ? t('paper.viewer.noScan') : errorMessage(t, result.error));
      const bytes = Uint8Array.from(atob(result.value.base64), (char) => char.charCodeAt(0));
      url = URL.createObjectURL(new Blob([bytes], { type: result.value.type }));
      setScan({ url, type: result.value.type });
    });
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [batchId, serial, t]);

  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  useEffect(() => {
    void api.call('paper.form.layout', { language }).then((result) => {
      if (result.ok) setRegions(result.value.regions);
    });
  }, [language]);

  const fit = (): void => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
  };
  const zoomBy = (factor: number): void => setZoom((value) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(value * factor * 100) / 100)));
  const rotate = (): void => setRotation((value) => (value + 90) % 360);
  const panBy = (x: number, y: number): void => setPan((value) => ({ x: value.x + x, y: value.y + y }));

  // Alt with a key, so typing in the form beside it is never taken (Alt+1…9 stay the page keys).
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const actions: Record<string, () => void> = {
        Equal: () => zoomBy(ZOOM_STEP),
        NumpadAdd: () => zoomBy(ZOOM_STEP),
        Minus: () => zoomBy(1 / ZOOM_STEP),
        NumpadSubtract: () => zoomBy(1 / ZOOM_STEP),
        Digit0: fit,
        Numpad0: fit,
        KeyR: rotate,
        ArrowLeft: () => panBy(PAN_STEP, 0),
        ArrowRight: () => panBy(-PAN_STEP, 0),
        ArrowUp: () => panBy(0, PAN_STEP),
        ArrowDown: () => panBy(0, -PAN_STEP),
      };
      const action = actions[event.code];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    drag.current = { x: event.clientX, y: event.clientY, panX: pan.x, panY: pan.y };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const start = drag.current;
    if (start) setPan({ x: start.panX + event.clientX - start.x, y: start.panY + event.clientY - start.y });
  };

  const region = field ? regions.find((each) => each.field === field) : undefined;
  const keys: Array<[string, string, () => void]> = [
    ['Alt+=', t('paper.viewer.zoomIn'), () => zoomBy(ZOOM_STEP)],
    ['Alt+-', t('paper.viewer.zoomOut'), () => zoomBy(1 / ZOOM_STEP)],
    ['Alt+0', t('paper.viewer.fit'), fit],
    ['Alt+R', t('paper.viewer.rotate'), rotate],
  ];

  return (
    <section className="scan-viewer" aria-label={t('paper.viewer.label', { title })} data-testid="scan-viewer">
      <h2 className="scan-viewer__title">{title}</h2>
      {error && <p className="muted" role="status">{error}</p>}
      {scan && scan.type === 'application/pdf' && <object data={scan.url} type="application/pdf" aria-label={t('paper.scan.alt', { serial })} className="scan-viewer__frame" />}
      {scan && scan.type !== 'application/pdf' && (
        <div className="scan-viewer__frame" onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={() => (drag.current = null)} onWheel={(event) => zoomBy(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP)}>
          <div className="scan-viewer__page" style={{ transform: `translate(${pan.x}px, ${pan.y}px) scale(${zoom}) rotate(${rotation}deg)` }} data-testid="scan-viewer-page" data-zoom={zoom} data-rotation={rotation}>
            <img src={scan.url} alt={t('paper.scan.alt', { serial })} draggable={false} data-testid="scan-viewer-image" />
            {region && (
              <span
                className="scan-viewer__highlight"
                data-testid="scan-field-highlight"
                data-field={region.field}
                style={{ left: `${region.x * 100}%`, top: `${region.y * 100}%`, width: `${region.width * 100}%`, height: `${region.height * 100}%` }}
              />
            )}
          </div>
        </div>
      )}
      <ul className="scan-viewer__keys" aria-label={t('paper.viewer.keys')}>
        {keys.map(([key, label, action]) => (
          <li key={key}>
            <button type="button" onClick={action} tabIndex={-1}>
              {label} <kbd>{key}</kbd>
            </button>
          </li>
        ))}
        <li>
          {t('paper.viewer.pan')} <kbd>Alt+←↑→↓</kbd>
        </li>
      </ul>
    </section>
  );
}
