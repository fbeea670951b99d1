// Risk reasons in the UI's language: the service sends each factor's reasons as English text and, beside them, as
// codes with parameters (`details`); this renders the codes through the message catalogue and falls back to the
// English text for factors stored before the codes existed or for codes this UI does not know.
import type { MessageKey } from '../i18n/en.ts';

/** One reason as the service sends it in `details`. */
export interface RiskReason {
  code: string;
  params: Record<string, string | number>;
}

/** A factor's reasons: English text and, when present, the same reasons as codes. */
export interface ReasonSource {
  reasons: string[];
  details?: RiskReason[];
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const SEVERITIES = new Set(['info', 'low', 'medium', 'high', 'critical']);
const PLAIN: Record<string, MessageKey> = {
  anonymous_sensitive: 'risk.reason.anonymous_sensitive',
  anonymous: 'risk.reason.anonymous',
  weak_scheme: 'risk.reason.weak_scheme',
  query_credential: 'risk.reason.query_credential',
  attack_attempts: 'risk.reason.attack_attempts',
  attack_success: 'risk.reason.attack_success',
};

/** One reason rendered with `t`, or null when its code or parameters are not understood. */
export function riskReasonText(r: RiskReason, t: Translate): string | null {
  const p = r.params;
  if (r.code === 'sensitive_type') {
    if (p.where !== 'responses' && p.where !== 'requests') return null;
    return t(p.high === 1 ? 'risk.reason.sensitive_type_high' : 'risk.reason.sensitive_type', { type: p.type, where: t(`risk.where.${p.where}`) });
  }
  if (r.code === 'finding') {
    if (!SEVERITIES.has(String(p.severity))) return null;
    const params = { ...p, severity: t(`risk.sev.${p.severity}` as MessageKey) };
    return t(p.client === '' ? 'risk.reason.finding' : 'risk.reason.finding_client', params);
  }
  const key = PLAIN[r.code];
  return key === undefined ? null : t(key, p);
}

/** The reasons of a factor in the UI's language, one per entry of `reasons`. */
export function factorReasons(f: ReasonSource, t: Translate): string[] {
  return f.reasons.map((text, i) => {
    const d = f.details?.[i];
    return (d === undefined ? null : riskReasonText(d, t)) ?? text;
  });
}
