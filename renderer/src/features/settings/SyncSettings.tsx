/**
 * Central server and sync (issue 10): the server address, registering the organisation's first
 * desk (with the recovery key shown once), enrolling this desk and pairing by the 6-digit check
 * code, pairing a new desk, revoking a lost one, rotating the data key. Managers only; the core
 * checks the permission again.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RpcError } from '../../../../shared/api';
import { FormError, TextField } from '../../components/Field';
import { useDesk } from '../../app/store';
import { api } from '../../lib/api';
import { errorMessage, fieldMessage } from '../../lib/errors';

type Fields = Record<string, string | undefined>;

export function SyncSettings() {
  const { t } = useTranslation();
  const sync = useDesk((state) => state.sync);
  const canManage = useDesk((state) => state.session?.state === 'active' && state.session.permissions.includes('policy.manage'));
  const [serverUrl, setServerUrl] = useState(sync?.serverUrl ?? '');
  const [organisationId, setOrganisationId] = useState('');
  const [siteId, setSiteId] = useState('');
  const [code, setCode] = useState('');
  const [deskId, setDeskId] = useState('');
  const [previewSas, setPreviewSas] = useState<string | null>(null);
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Fields>({});
  const [busy, setBusy] = useState(false);

  const run = async <T,>(work: () => Promise<{ ok: true; value: T } | { ok: false; error: RpcError }>, done: (value: T) => void): Promise<void> => {
    setBusy(true);
    setError(null);
    setMessage(null);
    setFields({});
    const result = await work();
    setBusy(false);
    if (!result.ok) {
      setError(errorMessage(t, result.error));
      setFields(Object.fromEntries(Object.entries(result.error.fields ?? {}).map(([name, messageCode]) => [name, fieldMessage(t, messageCode)])));
    } else done(result.value);
    await useDesk.getState().refreshSync();
  };
  const onSubmit = (work: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    void work();
  };

  if (!canManage) {
    return (
      <section className="card" aria-labelledby="sync-title" data-testid="sync-settings">
        <h2 id="sync-title">{t('settings.sync.title')}</h2>
        <p className="muted">{t('settings.sync.managerOnly')}</p>
      </section>
    );
  }

  const enrolled = sync?.enrolled ?? false;
  const pairing = sync?.pairing ?? null;
  return (
    <section className="card" aria-labelledby="sync-title" data-testid="sync-settings">
      <h2 id="sync-title">{t('settings.sync.title')}</h2>
      <p className="muted">{t('settings.sync.note')}</p>
      {sync && <p className="mono" data-testid="sync-desk-id">{t('settings.sync.thisDesk', { id: sync.deskId })}</p>}
      <FormError message={error} />
      {message && <p role="status" className="success" data-testid="sync-message">{message}</p>}

      <form onSubmit={onSubmit(() => run(() => api.call('sync.configure', { serverUrl }), () => setMessage(t('settings.sync.saved'))))} noValidate>
        <TextField label={t('settings.sync.serverUrl')} name="serverUrl" value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} error={fields['serverUrl']} placeholder="https://" />
        <button type="submit" disabled={busy}>{t('settings.sync.saveServer')}</button>{' '}
        {enrolled && <button type="button" disabled={busy} onClick={() => void run(() => api.call('sync.now'), () => setMessage(t('settings.sync.saved')))}>{t('settings.sync.syncNow')}</button>}
      </form>

      {recoveryKey && (
        <div className="card" data-testid="recovery-key">
          <h3>{t('settings.sync.recoveryTitle')}</h3>
          <p className="mono">{recoveryKey}</p>
          <p>{t('settings.sync.recoveryNote')}</p>
        </div>
      )}

      {!enrolled && !pairing && (
        <>
          <form onSubmit={onSubmit(() => run(() => api.call('sync.register', { serverUrl, organisationId, siteId }), (value) => setRecoveryKey(value.recoveryKey)))} noValidate>
            <h3>{t('settings.sync.registerTitle')}</h3>
            <TextField label={t('settings.sync.organisationId')} name="organisationId" value={organisationId} onChange={(e) => setOrganisationId(e.target.value)} error={fields['organisationId']} />
            <TextField label={t('settings.sync.siteId')} name="siteId" value={siteId} onChange={(e) => setSiteId(e.target.value)} error={fields['siteId']} />
            <button type="submit" className="primary" disabled={busy}>{t('settings.sync.register')}</button>
          </form>
          <form onSubmit={onSubmit(() => run(() => api.call('sync.enrol', { serverUrl, siteId }), () => undefined))} noValidate>
            <h3>{t('settings.sync.enrolTitle')}</h3>
            <TextField label={t('settings.sync.siteId')} name="enrolSiteId" value={siteId} onChange={(e) => setSiteId(e.target.value)} error={fields['siteId']} />
            <button type="submit" disabled={busy} data-testid="sync-enrol">{t('settings.sync.enrol')}</button>
          </form>
        </>
      )}

      {pairing && (
        <div data-testid="sync-pairing">
          {pairing.restored && <p data-testid="pairing-restored">{t('settings.sync.restoredPairing')}</p>}
          <p className="mono" data-testid="pairing-code">{t('settings.sync.pairingCode', { code: pairing.code })}</p>
          {pairing.sas === null ? (
            <p className="muted">{t('settings.sync.pairingWait')}</p>
          ) : (
            <>
              <p data-testid="pairing-sas" data-sas={pairing.sas}>{t('settings.sync.sasCompare', { sas: pairing.sas })}</p>
              <button type="button" className="primary" disabled={busy} onClick={() => void run(() => api.call('sync.confirmPairing', { matches: true }), (v) => v.enrolled && setMessage(t('settings.sync.paired')))}>{t('settings.sync.sasMatches')}</button>{' '}
              <button type="button" disabled={busy} onClick={() => void run(() => api.call('sync.confirmPairing', { matches: false }), () => undefined)}>{t('settings.sync.sasDiffers')}</button>
            </>
          )}
        </div>
      )}

      {enrolled && (
        <>
          <form onSubmit={onSubmit(() => run(() => api.call('sync.previewPairing', { code }), (value) => setPreviewSas(value.sas)))} noValidate>
            <h3>{t('settings.sync.pairTitle')}</h3>
            <TextField label={t('settings.sync.code')} name="code" value={code} onChange={(e) => { setCode(e.target.value); setPreviewSas(null); }} error={fields['code']} />
            <button type="submit" disabled={busy}>{t('settings.sync.preview')}</button>
          </form>
          {previewSas && (
            <div>
              <p data-testid="preview-sas" data-sas={previewSas}>{t('settings.sync.sasShown', { sas: previewSas })}</p>
              <button type="button" className="primary" disabled={busy} onClick={() => void run(() => api.call('sync.approve', { code }), () => { setPreviewSas(null); setMessage(t('settings.sync.approved')); })}>{t('settings.sync.approve')}</button>
            </div>
          )}
          <form onSubmit={onSubmit(() => run(() => api.call('sync.revoke', { deskId }), () => setMessage(t('settings.sync.revoked'))))} noValidate>
            <h3>{t('settings.sync.revokeTitle')}</h3>
            <TextField label={t('settings.sync.deskId')} name="deskId" value={deskId} onChange={(e) => setDeskId(e.target.value)} error={fields['deskId']} />
            <button type="submit" disabled={busy}>{t('settings.sync.revoke')}</button>{' '}
            <button type="button" disabled={busy} onClick={() => void run(() => api.call('sync.rotate'), (value) => setMessage(t('settings.sync.rotated', { version: value.keyVersion })))}>{t('settings.sync.rotate')}</button>
          </form>
        </>
      )}
    </section>
  );
}
