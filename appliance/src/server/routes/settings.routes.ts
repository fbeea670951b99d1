/**
 * Settings and live capture: the capture interface (with the list of interfaces and their counters, and the
 * wizard's live packet check), capture start/stop/status, retention and system settings. The wizard's later steps and
 * the dashboard's settings pages use the same routes.
 */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { BpfFilterSchema, CaptureSettingsSchema, InterfaceNameSchema } from '../../services/live-capture.service.ts';
import { RetentionSettingsSchema, SystemSettingsSchema } from '../../services/settings.service.ts';
import { SmtpSettingsSchema } from '../../mail/smtp.mailer.ts';

const ProbeSchema = z.object({
  iface: InterfaceNameSchema.min(1),
  bpf: BpfFilterSchema.default(''),
  seconds: z.number().min(1).max(15).default(5),
});

const PEM = z.string().min(64).max(64 * 1024);
const EmailTest = z.object({
  to: z.array(z.email().max(320)).min(1).max(20),
  language: z.enum(['en', 'zh-CN']).default('en'),
  /** Settings to try before saving them (password `********` = the stored one). */
  smtp: SmtpSettingsSchema.optional(),
});
const TlsUpload = z.object({ certificate: PEM, privateKey: PEM });

/** Settings and capture routes. */
export function settingsRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/interfaces',
      access: 'analyst',
      summary: 'Network interfaces with addresses, link state and receive counters',
      handler: () => ({ interfaces: s.live.interfaces() }),
    }),
    route({
      method: 'post',
      path: '/interfaces/probe',
      access: 'admin',
      summary: 'Captures on an interface for a few seconds and returns packet, transaction and HTTP-host counts',
      body: ProbeSchema,
      handler: async ({ body }) => ({ probe: await s.live.probe(body.iface, body.bpf, body.seconds) }),
    }),
    route({
      method: 'get',
      path: '/settings/capture',
      access: 'analyst',
      summary: 'Capture settings: interface, BPF filter, hosts and networks to watch or ignore',
      handler: () => ({ capture: s.live.settings() }),
    }),
    route({
      method: 'put',
      path: '/settings/capture',
      access: 'admin',
      summary: 'Changes the capture settings and applies them at once',
      body: CaptureSettingsSchema,
      handler: async ({ body, principal, ip }) => ({ capture: s.live.settings(), status: await s.live.update(body, principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/capture/status',
      access: 'viewer',
      summary: 'Live capture state and counters (packets, bytes, drops, flows, transactions/s, anomalies, memory)',
      handler: () => ({ status: s.live.status() }),
    }),
    route({
      method: 'get',
      path: '/settings/retention',
      access: 'analyst',
      summary: 'Call-log retention (days, disk budget) and whether raw sensitive values may be stored',
      handler: () => ({ retention: s.settings.retention() }),
    }),
    route({
      method: 'put',
      path: '/settings/retention',
      access: 'admin',
      summary: 'Changes the retention settings',
      body: RetentionSettingsSchema,
      handler: ({ body, principal, ip }) => ({ retention: s.settings.setRetention(body, principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/settings/system',
      access: 'analyst',
      summary: 'Time zone and NTP servers',
      handler: () => ({ system: s.settings.system() }),
    }),
    route({
      method: 'put',
      path: '/settings/system',
      access: 'admin',
      summary: 'Changes the time zone and NTP servers',
      body: SystemSettingsSchema,
      handler: ({ body, principal, ip }) => ({ system: s.settings.setSystem(body, principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/settings/email',
      access: 'admin',
      summary: 'SMTP server for reports and email alerts (the password is never returned)',
      handler: () => ({ email: s.settings.email() }),
    }),
    route({
      method: 'put',
      path: '/settings/email',
      access: 'admin',
      summary: 'Changes the SMTP server (password `********` keeps the stored one)',
      body: SmtpSettingsSchema,
      handler: ({ body, principal, ip }) => ({ email: s.settings.setEmail(body, principal!, ip) }),
    }),
    route({
      method: 'post',
      path: '/settings/email/test',
      access: 'admin',
      summary: 'Sends a test email with the stored settings or the ones given',
      body: EmailTest,
      handler: async ({ body }) => ({ sent: await s.settings.testEmail(body.to, body.smtp, body.language) }),
    }),
    route({
      method: 'get',
      path: '/settings/tls',
      access: 'admin',
      summary: 'The HTTPS certificate in use (subject, issuer, validity, fingerprint)',
      handler: () => ({ certificate: s.tls.info() }),
    }),
    route({
      method: 'put',
      path: '/settings/tls',
      access: 'admin',
      summary: 'Replaces the HTTPS certificate (PEM certificate with optional chain, unencrypted PEM key); applied without a restart',
      body: TlsUpload,
      handler: ({ body, principal, ip }) => ({ certificate: s.tls.replace(body.certificate, body.privateKey, principal!, ip) }),
    }),
  ] as RouteDef<never>[];
}
