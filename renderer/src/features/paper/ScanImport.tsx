/**
 * Scans that find their own sheet (issue 13 item 3). `ScanImport` takes any number of files for a
 * batch and attaches each to the sheet its QR code names; `ScanInbox` does the same for the files
 * the core took from the scanner's watched folder. A scan whose QR code cannot be read asks for the
 * serial, right there, and keeps the file until it is given; a QR code of another site or batch is
 * refused with the reason. Nothing is lost: a refused file stays listed with its message.
 */
import { useCallback, useEffect, useId, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchSummary } from '../../../../shared/api/paper-contract';
import { paperFormNumber } from '../../../../shared/domain/paper/serial';
import { api } from '../../lib/api';
import type { PreparedScan } from '../../lib/scan-render';
import { attachFile, fromBase64, prepare, scanMessage, upload } from './scan-upload';
import { nextScanKey, useScanPicks, type ScanItem } from './scan-picks';

const NO_ITEMS: ScanItem[] = [];

type Item = ScanItem;

/** The serial chosen is kept in the store (by `pickKey`), so it is still chosen after leaving the page. */
function SerialPicker({ label, serials, batchCode, pickKey, onPick }: { label: string; serials: number[]; batchCode: string; pickKey: string; onPick: (serial: number) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const chosen = useScanPicks((state) => state.chosen[pickKey]);
  const choose = useScanPicks((state) => state.choose);
  const serial = chosen !== undefined && serials.includes(chosen) ? chosen : (serials[0] ?? 0);
  const setSerial = (value: number) => choose(pickKey, value);
  return (
    <span className="scan-pick">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={serial} onChange={(event) => setSerial(Number(event.target.value))}>
        {serials.map((each) => (
          <option key={each} value={each}>{paperFormNumber(batchCode, each)}</option>
        ))}
      </select>
      <button type="button" disabled={serials.length === 0} onClick={() => onPick(serial)}>{t('paper.scan.attachHere')}</button>
    </span>
  );
}

function ItemRow({ item, children }: { item: Item; children?: ReactNode }) {
  return (
    <li className="queue__item" data-testid={`scan-item-${item.name}`}>
      <strong>{item.name}</strong>
      {item.state === 'working' && <span className="muted" role="status">{item.message}</span>}
      {item.state === 'attached' && <span className="success">{item.message}</span>}
      {(item.state === 'refused' || item.state === 'pick') && <small className="field__error" role="alert">{item.message}</small>}
      {children}
    </li>
  );
}

/** Attach scans to a batch by their QR codes (file picker or drag and drop, several at once). */
export function ScanImport({ batch, pending, onAttached }: { batch: BatchSummary; pending: number[]; onAttached: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  // Kept in a store: leaving the page and coming back shows the files still waiting for their sheet.
  const items = useScanPicks((state) => state.imports[batch.id]) ?? NO_ITEMS;
  const addImport = useScanPicks((state) => state.addImport);
  const updateImport = useScanPicks((state) => state.updateImport);
  const [over, setOver] = useState(false);

  const update = (key: string, patch: Partial<Item>) => updateImport(batch.id, key, patch);

  const send = async (key: string, file: File, serial?: number, prepared?: PreparedScan) => {
    update(key, { state: 'working', message: t('paper.scan.working') });
    const result = await attachFile(t, file, { batchId: batch.id, ...(serial !== undefined ? { serial } : {}) }, prepared);
    if (result.ok) {
      update(key, { state: 'attached', message: t(result.value.qr && serial === undefined ? 'paper.scan.attachedByQr' : 'paper.scan.attachedTo', { number: paperFormNumber(batch.code, result.value.serial) }), file: undefined, prepared: undefined });
      onAttached();
      return;
    }
    update(key, { state: result.code === 'scan_no_qr' ? 'pick' : 'refused', message: result.message, file, ...(result.prepared ? { prepared: result.prepared } : {}) });
  };

  // One file after another: each is read, rendered and sent whole before the next starts.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const add = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const key = nextScanKey();
      addImport(batch.id, { key, name: file.name, state: 'working', message: t('paper.scan.waiting'), file });
      queue.current = queue.current.then(() => send(key, file));
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    add(event.dataTransfer.files);
  };

  return (
    <div className={over ? 'scan-import scan-drop--over' : 'scan-import'} onDragOver={(event) => { event.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop} data-testid="scan-import">
      <label htmlFor={id}>{t('paper.scan.importByQr')}</label>
      <input id={id} type="file" multiple accept="image/jpeg,image/png,application/pdf" onChange={(event) => { const files = event.target.files ? Array.from(event.target.files) : []; event.target.value = ''; add(files); }} />
      {items.length > 0 && (
        <ul className="queue">
          {items.map((item) => (
            <ItemRow key={item.key} item={item}>
              {item.state === 'pick' && item.file && (
                <SerialPicker label={t('paper.scan.pickSerial', { name: item.name })} serials={pending} batchCode={batch.code} pickKey={item.key} onPick={(serial) => item.file && void send(item.key, item.file, serial, item.prepared)} />
              )}
            </ItemRow>
          ))}
        </ul>
      )}
    </div>
  );
}

interface InboxScan {
  scanId: string;
  type: string;
  pages: number;
  fileName: string;
  importedAt: number;
  hasImage: boolean;
}

/** Scans from the scanner's watched folder waiting for their sheet: read by QR code, or picked. */
export function ScanInbox({ batches, onAttached }: { batches: BatchSummary[]; onAttached: () => void }) {
  const { t } = useTranslation();
  const [scans, setScans] = useState<InboxScan[]>([]);
  const [state, setState] = useState<Record<string, Item>>({});
  const pick = useScanPicks((state) => state.inboxBatch);
  const chooseBatch = useScanPicks((state) => state.chooseBatch);
  const tried = useRef(new Set<string>());

  const load = useCallback(() => {
    void api.call('paper.scan.inbox', {}).then((result) => {
      if (result.ok) setScans(result.value);
    });
  }, []);
  useEffect(load, [load]);
  useEffect(() => api.on('paper.scans_changed', load), [load]);

  const set = (scanId: string, item: Omit<Item, 'key'>) => setState((current) => ({ ...current, [scanId]: { key: scanId, ...item } }));

  const assign = useCallback(
    async (scan: InboxScan, target: { batchId?: string; serial?: number }, prepared?: PreparedScan) => {
      set(scan.scanId, { name: scan.fileName, state: 'working', message: t('paper.scan.working') });
      let ready = prepared;
      if (!ready) {
        const file = await api.call('paper.scan.file', { scanId: scan.scanId });
        if (!file.ok) return set(scan.scanId, { name: scan.fileName, state: 'refused', message: scanMessage(t, file.error) });
        const done = await prepare(t, fromBase64(file.value.base64));
        if (!done.ok) return set(scan.scanId, { name: scan.fileName, state: 'refused', message: done.message });
        ready = done.value;
      }
      if (!ready.qr && target.serial === undefined) return set(scan.scanId, { name: scan.fileName, state: 'pick', message: t('fieldError.scan_no_qr'), prepared: ready });
      let imageUploadId: string | undefined;
      if (ready.rendition && !scan.hasImage) {
        const image = await upload(t, ready.rendition);
        if (!image.ok) return set(scan.scanId, { name: scan.fileName, state: 'refused', message: image.message, prepared: ready });
        imageUploadId = image.value;
      }
      const result = await api.call('paper.scan.assign', { scanId: scan.scanId, ...(imageUploadId ? { imageUploadId } : {}), ...(ready.qr ? { qr: ready.qr } : {}), ...target });
      if (!result.ok) return set(scan.scanId, { name: scan.fileName, state: 'refused', message: scanMessage(t, result.error), prepared: ready });
      const code = batches.find((batch) => batch.id === result.value.batchId)?.code ?? '';
      set(scan.scanId, { name: scan.fileName, state: 'attached', message: t(target.serial === undefined ? 'paper.scan.attachedByQr' : 'paper.scan.attachedTo', { number: paperFormNumber(code, result.value.serial) }) });
      onAttached();
      load();
    },
    [batches, load, onAttached, t],
  );

  // Each scan that arrives is read once by itself; those without a QR code wait for a person.
  useEffect(() => {
    for (const scan of scans) {
      if (tried.current.has(scan.scanId)) continue;
      tried.current.add(scan.scanId);
      void assign(scan, {});
    }
  }, [scans, assign]);

  const choose = async (scanId: string, batchId: string) => {
    const result = await api.call('paper.batch.get', { batchId });
    if (result.ok) chooseBatch(scanId, { batchId, pending: result.value.sheets.filter((sheet) => sheet.state === 'pending').map((sheet) => sheet.serial) });
  };

  const waiting = scans.filter((scan) => state[scan.scanId]?.state !== 'attached');
  const done = Object.values(state).filter((item) => item.state === 'attached');
  if (waiting.length === 0 && done.length === 0) return null;
  return (
    <section className="scan-inbox" aria-labelledby="scan-inbox-title" data-testid="scan-inbox">
      <h3 id="scan-inbox-title">{t('paper.scan.inboxTitle')}</h3>
      <p className="muted">{t('paper.scan.inboxHint')}</p>
      <ul className="queue">
        {[...done, ...waiting.map((scan) => state[scan.scanId] ?? { key: scan.scanId, name: scan.fileName, state: 'working' as const, message: t('paper.scan.working') })].map((item) => {
          const scan = scans.find((each) => each.scanId === item.key);
          const picking = pick[item.key];
          return (
            <ItemRow key={item.key} item={item}>
              {item.state === 'pick' && scan && (
                <>
                  <label>
                    {t('paper.scan.pickBatch')}
                    <select value={picking?.batchId ?? ''} onChange={(event) => void choose(item.key, event.target.value)}>
                      <option value="" disabled>—</option>
                      {batches.map((batch) => (
                        <option key={batch.id} value={batch.id}>{batch.code}</option>
                      ))}
                    </select>
                  </label>
                  {picking && (
                    <SerialPicker
                      label={t('paper.scan.pickSerial', { name: item.name })}
                      serials={picking.pending}
                      batchCode={batches.find((batch) => batch.id === picking.batchId)?.code ?? ''}
                      pickKey={`${item.key}:${picking.batchId}`}
                      onPick={(serial) => void assign(scan, { batchId: picking.batchId, serial }, item.prepared)}
                    />
                  )}
                </>
              )}
            </ItemRow>
          );
        })}
      </ul>
    </section>
  );
}
