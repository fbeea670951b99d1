/**
 * "Restart service" (Settings → System): the service can only restart itself when a supervisor starts it again
 * after it exits. Under systemd (the appliance's unit has `Restart=on-failure`) main.ts registers a handler that shuts
 * down cleanly and exits with {@link RESTART_EXIT_CODE}, which systemd counts as a failure and restarts. Started any
 * other way (`npm start`), nothing is registered and a restart request is refused with `restart_unsupervised`.
 */
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';
import { ApiError } from '../errors/error.catalogue.ts';

/** Exit code of a requested restart: non-zero, so `Restart=on-failure` starts the service again (EX_TEMPFAIL). */
export const RESTART_EXIT_CODE = 75;

/** How long after the request the handler runs, so the answer reaches the browser first. */
const RESTART_DELAY_MS = 300;

/** The supervisor running this process, from the environment it was started with ('' when none is known). */
export function supervisorFromEnv(env: NodeJS.ProcessEnv): string {
  return env.INVOCATION_ID !== undefined && env.INVOCATION_ID !== '' ? 'systemd' : '';
}

/** Whether and how the service can restart, as the UI shows it. */
export interface RestartStatus {
  supervised: boolean;
  supervisor: string;
}

/** Restarts the service through its supervisor. */
export class RestartService {
  private handler: (() => void) | null = null;
  private supervisor = '';
  private pending = false;

  constructor(
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Registers the supervisor's restart: `handler` stops the process so that `supervisor` starts it again. */
  supervise(supervisor: string, handler: () => void): void {
    this.supervisor = supervisor;
    this.handler = handler;
  }

  /** Whether a restart can be requested. */
  status(): RestartStatus {
    return { supervised: this.handler !== null, supervisor: this.supervisor };
  }

  /** Audits the request and runs the restart shortly after (admin action); refused when nothing supervises the service. */
  request(actor: Principal, ip: string): RestartStatus {
    const handler = this.handler;
    if (handler === null) throw new ApiError('restart_unsupervised');
    this.audit.append({ at: this.clock.now(), userId: actor.userId, username: actor.username, action: 'system.restart', target: '', ip, detail: { supervisor: this.supervisor } });
    if (!this.pending) {
      this.pending = true;
      setTimeout(handler, RESTART_DELAY_MS).unref();
    }
    return this.status();
  }
}
