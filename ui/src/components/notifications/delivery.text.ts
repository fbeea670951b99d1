// Delivery records of the notifier channels (`GET /notifiers/deliveries`, the answer of "send test" and "retry") and
// their outcome in words. Pure apart from the translation function passed in (tested in tests/unit/ui/).
import type { MessageKey } from '../../lib/i18n/en.ts';

/** A delivery record. `title`, `error` and `detail` may carry text from traffic or from the receiver. */
export interface Delivery {
  id: number;
  channelId: number;
  kind: 'alert' | 'summary' | 'test';
  alertType: string;
  severity: string;
  title: string;
  count: number;
  status: 'sending' | 'sent' | 'failed';
  attempts: number;
  error: string;
  detail: string;
  retryOf: number | null;
  createdAt: number;
  finishedAt: number | null;
}

/** A notification channel as `GET /notifiers` lists it (secrets as `********`). */
export interface Channel {
  id: number;
  name: string;
  kind: string;
  enabled: boolean;
  minSeverity: string;
  groupWindowSeconds: number;
  maxPerMinute: number;
  settings: Record<string, unknown>;
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** One sentence saying how a delivery went: sent (with the receiver's detail), failed (with the reason), or sending. */
export function deliveryOutcome(d: Pick<Delivery, 'status' | 'attempts' | 'error' | 'detail'>, t: Translate): string {
  const tries = t(d.attempts === 1 ? 'ntf.tries.one' : 'ntf.tries.many', { count: d.attempts });
  if (d.status === 'sent') return d.detail === '' ? t('ntf.outcome.sent', { tries }) : t('ntf.outcome.sentDetail', { tries, detail: d.detail });
  if (d.status === 'failed') return t('ntf.outcome.failed', { tries, error: d.error === '' ? t('ntf.outcome.noReason') : d.error });
  return t('ntf.outcome.sending');
}
