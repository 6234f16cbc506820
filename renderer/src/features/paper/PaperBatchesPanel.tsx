/**
 * Paper-form batches on the home screen (issue 13 item 2): the open batches with their age and how
 * many sheets are accounted for; a lead opens a batch and closes it; anyone who enters data marks
 * a sheet void or missing with a reason. The core checks every rule (who, which serial, all
 * accounted for); this screen only shows its answers where they belong.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput, RpcError } from '../../../../shared/api';
import type { BatchSummary, SheetState } from '../../../../shared/api/paper-contract';
import { INPUT_LIMITS } from '../../../../shared/domain/limits';
import { formatSerial, paperFormNumber } from '../../../../shared/domain/paper/serial';
import { FormError, TextField } from '../../components/Field';
import { ReasonPrompt } from '../../components/ReasonPrompt';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';
import { PrintFormsButton } from './PrintFormsButton';
import { ScanDrop } from './ScanDrop';
import { usePaperWork } from './work';
import { useDesk } from '../../app/store';
import { formatMinutes } from '../../lib/elapsed';
import { ScanImport, ScanInbox } from './ScanImport';

interface SheetView {
  serial: number;
  state: SheetState;
  reason: string;
  scanId: string | null;
  doubleEntry: boolean;
  typedBy: string[];
  reconcile: boolean;
  /** More than one intake made from this sheet (two desks offline). */
  intakes?: string[] | undefined;
}

function localDate(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function useMessage() {
  const { t } = useTranslation();
  return (error: RpcError): string => {
    const code = Object.values(error.fields ?? {})[0];
    return code ? (fieldMessage(t, code) ?? errorMessage(t, error)) : errorMessage(t, error);
  };
}

function OpenBatchForm({ onOpened }: { onOpened: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({ code: '', place: '', collectedOn: localDate(new Date()), firstSerial: '1', count: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const message = useMessage();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const result = await api.call('paper.batch.open', { code: form.code.trim(), place: form.place, collectedOn: form.collectedOn, firstSerial: Number(form.firstSerial), count: Number(form.count) });
    if (!result.ok) {
      if (result.error.fields) setErrors(result.error.fields);
      setFormError(result.error.fields && result.error.code === 'VALIDATION' ? null : message(result.error));
      return;
    }
    setErrors({});
    setForm((current) => ({ ...current, code: '', place: '', count: '' }));
    onOpened();
  };
  const field = (name: keyof typeof form, extra: { maxLength: number; inputMode?: 'numeric'; hint?: string }) => (
    <TextField label={t(`paper.batch.${name}`)} name={name} value={form[name]} error={fieldMessage(t, errors[name])} onChange={(event) => setForm({ ...form, [name]: event.target.value })} {...extra} />
  );
  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="open-batch-title" data-testid="open-batch">
      <h3 id="open-batch-title">{t('paper.batch.openTitle')}</h3>
      {field('code', { maxLength: 20, hint: t('paper.batch.codeHint') })}
      {field('place', { maxLength: INPUT_LIMITS.paperPlace })}
      {field('collectedOn', { maxLength: 10, hint: 'YYYY-MM-DD' })}
      {field('firstSerial', { maxLength: 6, inputMode: 'numeric' })}
      {field('count', { maxLength: 4, inputMode: 'numeric' })}
      <FormError message={formError} />
      <button type="submit" className="primary">{t('paper.batch.open')}</button>
    </form>
  );
}

/** `refresh` changes whenever the panel reloads (e.g. a scan from the scanner folder was attached), so the open sheet list follows. */
function BatchSheets({ batch, isLead, onChanged, refresh }: { batch: BatchSummary; isLead: boolean; onChanged: () => void; refresh: number }) {
  const { t } = useTranslation();
  const [sheets, setSheets] = useState<SheetView[]>([]);
  const [asking, setAsking] = useState<{ serial: number; state: 'void' | 'missing' } | null>(null);
  const [reasonError, setReasonError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const message = useMessage();
  const start = usePaperWork((state) => state.start);
  const me = useDesk((state) => (state.session?.state === 'active' ? state.session.staff.id : null));

  const load = useCallback(() => {
    void api.call('paper.batch.get', { batchId: batch.id }).then((result) => {
      if (result.ok) setSheets(result.value.sheets);
    });
  }, [batch.id]);
  useEffect(load, [load, refresh]);

  const mark = async (serial: number, state: 'void' | 'missing', reason: string) => {
    const result = await api.call('paper.sheet.mark', { batchId: batch.id, serial, state, reason });
    if (!result.ok) return setReasonError(message(result.error));
    setAsking(null);
    setReasonError(undefined);
    setSheets(result.value.sheets);
    onChanged();
  };
  const close = async () => {
    setError(null);
    const result = await api.call('paper.batch.close', { batchId: batch.id });
    if (!result.ok) {
      const pending = result.error.details?.['pending'];
      return setError(pending !== undefined ? `${message(result.error)}（${t('paper.batch.pendingCount', { count: Number(pending), first: String(result.error.details?.['first'] ?? '') })}）` : message(result.error));
    }
    onChanged();
  };

  return (
    <div className="batch__sheets" data-testid={`batch-sheets-${batch.code}`}>
      <ScanImport batch={batch} pending={sheets.filter((sheet) => sheet.state === 'pending').map((sheet) => sheet.serial)} onAttached={load} />
      <ul className="queue">
        {sheets.map((sheet) => (
          <li key={sheet.serial} className="queue__item" data-testid={`sheet-${formatSerial(sheet.serial)}`}>
            <strong>{paperFormNumber(batch.code, sheet.serial)}</strong>
            <span data-testid="sheet-state">
              {sheet.state === 'pending' && sheet.reconcile ? t('paper.sheetState.reconcile') : sheet.state === 'pending' && sheet.typedBy.length > 0 ? t('paper.sheetState.awaitingSecond') : t(`paper.sheetState.${sheet.state}`)}
            </span>
            {sheet.state === 'pending' && sheet.doubleEntry && <span className="badge-flag">{t('paper.doubleEntryBadge')}</span>}
            {sheet.reason && <span className="muted">{sheet.reason}</span>}
            {sheet.intakes && sheet.intakes.length > 1 && (
              <small className="field__error" role="alert" data-testid="sheet-duplicate-intakes">{t('paper.sheet.duplicateIntakes', { count: sheet.intakes.length })}</small>
            )}
            {sheet.state !== 'void' && sheet.state !== 'missing' && <ScanDrop batchId={batch.id} serial={sheet.serial} scanId={sheet.scanId} onAttached={load} />}
            {sheet.state === 'pending' && !sheet.reconcile && me !== null && !sheet.typedBy.includes(me) && (
              <button type="button" className="primary" onClick={() => start({ kind: 'transcribe', batchId: batch.id, serial: sheet.serial, formNo: paperFormNumber(batch.code, sheet.serial) })}>
                {t('paper.transcribe.start')}
              </button>
            )}
            {sheet.state === 'pending' && sheet.reconcile && isLead && me !== null && !sheet.typedBy.includes(me) && (
              <button type="button" className="primary" onClick={() => start({ kind: 'reconcile', batchId: batch.id, serial: sheet.serial, formNo: paperFormNumber(batch.code, sheet.serial) })}>
                {t('paper.reconcile.start')}
              </button>
            )}
            {sheet.state === 'pending' && (
              <>
                <button type="button" onClick={() => setAsking({ serial: sheet.serial, state: 'void' })}>{t('paper.markVoid')}</button>
                <button type="button" onClick={() => setAsking({ serial: sheet.serial, state: 'missing' })}>{t('paper.markMissing')}</button>
              </>
            )}
          </li>
        ))}
      </ul>
      {asking && (
        <ReasonPrompt
          label={t(asking.state === 'void' ? 'paper.voidReason' : 'paper.missingReason', { number: paperFormNumber(batch.code, asking.serial) })}
          confirmLabel={t(asking.state === 'void' ? 'paper.markVoid' : 'paper.markMissing')}
          error={reasonError}
          onConfirm={(reason) => void mark(asking.serial, asking.state, reason)}
          onCancel={() => { setAsking(null); setReasonError(undefined); }}
        />
      )}
      <FormError message={error} />
      {isLead && <button type="button" onClick={() => void close()}>{t('paper.batch.close')}</button>}
    </div>
  );
}

/** For the group lead: sheets whose two transcriptions differ, each one key away from its reconciliation. */
function AwaitingReconciliation() {
  const { t } = useTranslation();
  const start = usePaperWork((state) => state.start);
  const [sheets, setSheets] = useState<MethodOutput<'paper.reconcile.list'>>([]);
  useEffect(() => {
    void api.call('paper.reconcile.list').then((result) => {
      if (result.ok) setSheets(result.value);
    });
  }, []);
  if (sheets.length === 0) return null;
  return (
    <div className="banner banner--notice" role="status" data-testid="awaiting-reconciliation">
      <p>{t('paper.reconcile.waiting', { count: sheets.length })}</p>
      <ul className="queue">
        {sheets.map((sheet) => (
          <li key={`${sheet.batchId}:${sheet.serial}`} className="queue__item">
            <strong>{sheet.formNo}</strong>
            <span>{sheet.typists.join(t('common.listSeparator'))}</span>
            <span>{t('paper.reconcile.fieldCount', { count: sheet.fields.length })}</span>
            <button type="button" onClick={() => start({ kind: 'reconcile', batchId: sheet.batchId, serial: sheet.serial, formNo: sheet.formNo })}>{t('paper.reconcile.start')}</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function PaperBatchesPanel({ isLead, canEnter }: { isLead: boolean; canEnter: boolean }) {
  const { t } = useTranslation();
  const [batches, setBatches] = useState<BatchSummary[]>([]);
  const lastMessage = usePaperWork((state) => state.message);
  // Back from a sheet: its batch stays open in the list.
  const [openId, setOpenId] = useState<string | null>(() => usePaperWork.getState().lastBatchId);
  const [refresh, setRefresh] = useState(0);
  const load = useCallback(() => {
    void api.call('paper.batch.list', { open: true }).then((result) => {
      if (result.ok) setBatches(result.value);
      setRefresh((count) => count + 1);
    });
  }, []);
  useEffect(load, [load]);

  const age = (minutes: number): string => formatMinutes(t, minutes);

  if (!isLead && batches.length === 0) return null;
  return (
    <section className="card card--full" aria-labelledby="paper-batches-title" data-testid="paper-batches">
      <h2 id="paper-batches-title">{t('paper.batchesTitle')}</h2>
      {lastMessage && <p role="status" className="success" data-testid="paper-work-done">{lastMessage}</p>}
      {isLead && <AwaitingReconciliation />}
      {batches.length === 0 ? (
        <p className="muted">{t('paper.noOpenBatches')}</p>
      ) : (
        <ul className="queue">
          {batches.map((batch) => (
            <li key={batch.id} className={batch.ageMinutes >= 24 * 60 ? 'queue__item queue__item--late' : 'queue__item'} data-testid={`batch-${batch.code}`}>
              <strong>{batch.code}</strong>
              <span>{batch.place} · {batch.collectedOn}</span>
              <span>{t('paper.batch.range', { first: formatSerial(batch.firstSerial), last: formatSerial(batch.firstSerial + batch.count - 1) })}</span>
              <span>{t('paper.batch.accounted', { accounted: batch.accounted, count: batch.count })}</span>
              <span data-testid="batch-age">{t('paper.batch.age', { age: age(batch.ageMinutes) })}</span>
              {canEnter && (
                <button type="button" aria-expanded={openId === batch.id} onClick={() => setOpenId(openId === batch.id ? null : batch.id)}>
                  {t('paper.batch.sheets')}
                </button>
              )}
              {canEnter && <PrintFormsButton batchId={batch.id} />}
              {openId === batch.id && <BatchSheets batch={batch} isLead={isLead} onChanged={load} refresh={refresh} />}
            </li>
          ))}
        </ul>
      )}
      {canEnter && batches.length > 0 && <ScanInbox batches={batches} onAttached={load} />}
      {isLead && <OpenBatchForm onOpened={load} />}
    </section>
  );
}
