/** Turn core errors into sentences from the catalogs. */
import type { TFunction } from 'i18next';
import type { RpcError } from '../../../shared/api';

export function errorMessage(t: TFunction, error: RpcError): string {
  if (error.code === 'ACCOUNT_LOCKED') {
    const ms = Number(error.details?.['retryAfterMs'] ?? 0);
    return t('error.ACCOUNT_LOCKED', { minutes: Math.max(1, Math.ceil(ms / 60_000)) });
  }
  if (error.code === 'INVALID_CREDENTIALS' && error.details?.['attemptsLeft'] !== undefined) {
    return `${t('error.INVALID_CREDENTIALS')} ${t('login.attemptsLeft', { count: Number(error.details['attemptsLeft']) })}`;
  }
  if (error.code === 'SYNC_FAILED' && typeof error.details?.['problem'] === 'string') {
    return t(`status.problem.${error.details['problem']}`, { defaultValue: t('error.SYNC_FAILED') });
  }
  return t(`error.${error.code}`);
}

export function fieldMessage(t: TFunction, code: string | undefined): string | undefined {
  if (!code) return undefined;
  return t(`fieldError.${code}`, { defaultValue: t('fieldError.invalid') });
}
