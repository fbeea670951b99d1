/** The services the HTTP layer is built on (assembled by main.ts, or by tests over temporary databases). */
import type { AuthService } from '../services/auth.service.ts';
import type { SetupService } from '../services/setup.service.ts';
import type { UsersRepository } from '../store/sqlite/users.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { CaptureRunsService } from '../services/capture-runs.service.ts';
import type { CallsService } from '../services/calls.service.ts';
import type { LiveCaptureService } from '../services/live-capture.service.ts';
import type { SettingsService } from '../services/settings.service.ts';
import type { HealthService } from '../services/health.service.ts';
import type { TlsService } from '../services/tls.service.ts';
import type { SpecsService } from '../services/specs.service.ts';
import type { InventoryService } from '../services/inventory.service.ts';
import type { PoliciesService } from '../services/policies.service.ts';
import type { PolicyPreviewService } from '../services/policy-preview.service.ts';
import type { ThreatsService } from '../services/threats.service.ts';
import type { RiskService } from '../services/risk.service.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import type { JobScheduler } from '../jobs/job.scheduler.ts';
import type { AlertDispatcher } from '../notifiers/alert-dispatcher.service.ts';
import type { NotifierChannelsService } from '../notifiers/notifier-channels.service.ts';
import type { BlocklistService } from '../blocklist/blocklist.service.ts';
import type { SensitiveService } from '../services/sensitive.service.ts';
import type { HostSettingsService } from '../services/host-settings.service.ts';
import type { SensitiveRawService } from '../services/sensitive-raw.service.ts';
import type { RestartService } from '../services/restart.service.ts';
import type { UpgradeService } from '../services/upgrade.service.ts';

/** Everything the routes need. */
export interface AppServices {
  version: string;
  clock: Clock;
  setup: SetupService;
  auth: AuthService;
  users: UsersRepository;
  audit: AuditRepository;
  captures: CaptureRunsService;
  /** The call log (DuckDB). */
  calls: CallsService;
  /** Live capture on the configured interface. */
  live: LiveCaptureService;
  /** Retention and system settings. */
  settings: SettingsService;
  /** Health snapshot and metrics. */
  health: HealthService;
  /** The HTTPS certificate. */
  tls: TlsService;
  /** Declared API specs. */
  specs: SpecsService;
  /** The stored API inventory. */
  inventory: InventoryService;
  /** User policies. */
  policies: PoliciesService;
  /** "Test this policy" over the stored calls. */
  policyPreview: PolicyPreviewService;
  /** Findings with status, actor links, attacker views. */
  threats: ThreatsService;
  /** Scheduled email reports. */
  reports: ReportsService;
  /** The jobs table's scheduler. */
  jobs: JobScheduler;
  /** Sends alerts to the notification channels (the policy engine calls `dispatch`). */
  alerts: AlertDispatcher;
  /** Notification channels. */
  notifierChannels: NotifierChannelsService;
  /** The block list and its exports. */
  blocklist: BlocklistService;
  /** Endpoint risk re-scoring, breakdowns and movers. */
  risk: RiskService;
  /** Sensitive types, levels, exposure per endpoint and records per recipient. */
  sensitive: SensitiveService;
  /** Host settings (NTP servers, unattended upgrades) as desired and as applied, clock sync state. */
  host: HostSettingsService;
  /** Raw sensitive samples (admin-only reveal); absent in apps built without it. */
  sensitiveRaw?: SensitiveRawService;
  /** "Restart service" through the supervisor (absent: the service cannot restart itself). */
  restart?: RestartService;
  /** Upgrade bundles uploaded in Settings -> System (applied by the root applier). */
  upgrade: UpgradeService;
  /** Directory of the built UI; null to serve the "UI not built" page. */
  uiDir: string | null;
  /** Whether the listener is HTTPS (cookies get `Secure`, HSTS is sent). */
  secure: boolean;
}
