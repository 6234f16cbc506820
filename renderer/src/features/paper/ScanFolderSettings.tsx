/**
 * Settings → the scanner's folder (managers; checked again in the core). The desk imports each new
 * file the office scanner writes there, stores it encrypted, and deletes the plain original from the
 * folder; a file that fails the checks goes to `rejected/` with a note saying why.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { scanMessage } from './scan-upload';

export function ScanFolderSettings() {
  const { t } = useTranslation();
  const [folder, setFolder] = useState('');
  const [current, setCurrent] = useState<{ folder: string | null; imported: number; rejected: number; lastError: string | null } | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void api.call('paper.scanFolder.get', {}).then((result) => {
      if (!result.ok) return;
      setCurrent(result.value);
      setFolder(result.value.folder ?? '');
    });
  }, []);

  const save = async (event: FormEvent, value: string | null) => {
    event.preventDefault();
    setSaved(false);
    setError(undefined);
    setFormError(null);
    const result = await api.call('paper.scanFolder.set', { folder: value });
    if (!result.ok) {
      if (result.error.fields?.['folder']) setError(scanMessage(t, result.error));
      else setFormError(scanMessage(t, result.error));
      return;
    }
    setCurrent(result.value);
    setFolder(result.value.folder ?? '');
    setSaved(true);
  };

  return (
    <form className="card" onSubmit={(event) => void save(event, folder.trim() === '' ? null : folder.trim())} noValidate aria-labelledby="scan-folder-title" data-testid="scan-folder-settings">
      <h2 id="scan-folder-title">{t('settings.scanFolder.title')}</h2>
      <p className="muted">{t('settings.scanFolder.explain')}</p>
      <TextField label={t('settings.scanFolder.folder')} name="scanFolder" value={folder} maxLength={1000} hint={t('settings.scanFolder.hint')} error={error} onChange={(event) => setFolder(event.target.value)} />
      {current?.folder && (
        <p role="status" data-testid="scan-folder-status">
          {t('settings.scanFolder.watching', { folder: current.folder, imported: current.imported, rejected: current.rejected })}
        </p>
      )}
      {current?.lastError && <p className="field__error">{t(`settings.scanFolder.problem.${current.lastError}`)}</p>}
      <FormError message={formError} />
      {saved && <p role="status" className="success">{t('paper.scanFolderSaved')}</p>}
      <button type="submit" className="primary">{t('common.save')}</button>
      {current?.folder && <button type="button" onClick={(event) => void save(event, null)}>{t('settings.scanFolder.stop')}</button>}
    </form>
  );
}
