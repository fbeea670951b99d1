/**
 * "Test this policy" in the policy form: the request for a draft and the lines that describe what the draft would
 * have done (pure, so the wording is unit-tested). Everything shown came from captured traffic and is rendered as text.
 */
import type { MessageKey } from '../../lib/i18n/en.ts';
import type { PolicyPreview } from '../../../../appliance/src/services/policy-preview.service.ts';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The look-back choices, in hours. */
export const PREVIEW_HOURS = [1, 24, 168] as const;

/** What the service answers for a preview (`POST /policies/preview`). */
export type PolicyPreviewView = PolicyPreview;

/** The summary lines of a preview, in the current language. */
export function previewLines(p: PolicyPreviewView, locale: string, t: Translate): string[] {
  const n = (v: number): string => v.toLocaleString(locale);
  if (p.matched === 0) return [t('pol.preview.summary', { scanned: n(p.scanned), matched: '0' }), t('pol.preview.nothing')];
  const lines = [
    t('pol.preview.summary', { scanned: n(p.scanned), matched: n(p.matched) }),
    t('pol.preview.effects', { raised: n(p.raised), suppressed: n(p.suppressed), notifications: n(p.notifications), blocked: n(p.blockedClients) }),
  ];
  if (p.truncated) lines.push(t('pol.preview.truncated'));
  return lines.concat(p.approximations);
}
