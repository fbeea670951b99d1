// Turns any error a request can throw into a sentence in the current language (network, permission, session, or the
// catalogue code).
import { ApiError } from './api.client.ts';
import { t } from '../i18n/locale.svelte.ts';

/** A translated, user-facing description of `err`. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.unexpected', { code: 'unknown' });
  if (err.code === 'network') return t('error.network');
  if (err.status === 401) return t('error.unauthorized');
  if (err.status === 403) return t('error.forbidden');
  if (err.code === 'validation_failed') return t('error.invalidFields');
  if (err.code === 'last_admin') return t('users.lastAdmin');
  if (err.code === 'restart_unsupervised') return t('restart.unsupervised');
  return t('error.unexpected', { code: err.code });
}
