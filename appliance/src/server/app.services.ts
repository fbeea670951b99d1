/** The services the HTTP layer is built on (assembled by main.ts, or by tests over temporary databases). */
import type { AuthService } from '../services/auth.service.ts';
import type { SetupService } from '../services/setup.service.ts';
import type { UsersRepository } from '../store/sqlite/users.repository.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { CaptureRunsService } from '../services/capture-runs.service.ts';
import type { ReportsService } from '../reports/reports.service.ts';
import type { JobScheduler } from '../jobs/job.scheduler.ts';

/** Everything the routes need. */
export interface AppServices {
  version: string;
  clock: Clock;
  setup: SetupService;
  auth: AuthService;
  users: UsersRepository;
  audit: AuditRepository;
  captures: CaptureRunsService;
  /** Scheduled email reports. */
  reports: ReportsService;
  /** The jobs table's scheduler. */
  jobs: JobScheduler;
  /** Directory of the built UI; null to serve the "UI not built" page. */
  uiDir: string | null;
  /** Whether the listener is HTTPS (cookies get `Secure`, HSTS is sent). */
  secure: boolean;
}
