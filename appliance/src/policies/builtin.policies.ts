/**
 * The policies shipped with the appliance: inserted once at start (by key), then the user's to edit or disable.
 * They use only conditions and raise/suppress actions, since notifier channels and block lists are the site's own.
 */
import type { PolicyInput } from './policy.types.ts';
import { PolicyInputSchema } from './policy.types.ts';

const HIGH_SENSITIVE = ['cn_id_card', 'bank_card', 'credit_card', 'passport', 'cn_hk_macau_permit', 'password', 'private_key', 'aws_access_key', 'github_token', 'slack_token', 'stripe_key', 'google_api_key', 'us_ssn', 'iban', 'secret'];

/** Built-in policies by stable key. */
export const BUILTIN_POLICIES: ReadonlyArray<{ key: string; policy: PolicyInput }> = [
  {
    key: 'sensitive-unauthenticated',
    policy: PolicyInputSchema.parse({
      name: 'Highly sensitive data without authentication',
      description: 'A call without any credential carried ID numbers, card numbers, passwords, keys or secrets.',
      conditions: { authSchemes: ['none'], sensitiveTypes: HIGH_SENSITIVE },
      actions: { raise: { severity: 'high', type: 'sensitive_unauthenticated' } },
    }),
  },
  {
    key: 'bulk-sensitive-per-identity',
    policy: PolicyInputSchema.parse({
      name: 'Bulk access to sensitive data by one identity',
      description: 'One identity made 500 calls carrying highly sensitive data within 5 minutes.',
      conditions: { sensitiveTypes: HIGH_SENSITIVE, window: { count: 500, seconds: 300, per: 'identity' } },
      actions: { raise: { severity: 'high', type: 'bulk_sensitive_access' } },
    }),
  },
  {
    key: 'admin-out-of-hours',
    policy: PolicyInputSchema.parse({
      name: 'Admin endpoints used at night',
      description: 'Calls to admin endpoints between 22:00 and 06:00 (appliance time zone).',
      conditions: { templates: ['/admin/**', '/**/admin/**'], statuses: ['2xx'], timeOfDay: { from: '22:00', to: '06:00' } },
      actions: { raise: { severity: 'medium', type: 'admin_out_of_hours' } },
    }),
  },
  {
    key: 'health-checks',
    policy: PolicyInputSchema.parse({
      name: 'Health checks are not findings',
      description: 'Detections on health and readiness probes are dropped.',
      conditions: { templates: ['/health', '/healthz', '/readyz', '/livez', '/ping', '/actuator/health'], methods: ['GET', 'HEAD'] },
      actions: { suppress: true },
    }),
  },
  {
    key: 'block-critical-attacks',
    policy: PolicyInputSchema.parse({
      name: 'Block clients of critical attacks',
      description: 'Adds the client of a critical detection to the block list for an hour (off until you enable it).',
      enabled: false,
      conditions: { minSeverity: 'critical' },
      actions: { block: { minutes: 60 } },
    }),
  },
];
