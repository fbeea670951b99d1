/**
 * Applies the retention settings to the call log: deletes calls older than the age limit, then trims the oldest to
 * the disk budget. Run hourly by the service (and by the scheduler's retention job once jobs exist).
 */
import type { CallEventStore, RetentionResult } from '../store/events/call-event.types.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { SettingsService } from './settings.service.ts';

/** Runs retention passes. */
export class RetentionService {
  private running: Promise<RetentionResult> | null = null;

  constructor(
    private readonly callLog: CallEventStore,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  /** One pass with the current settings; a pass already running is joined, never run twice at once. */
  run(): Promise<RetentionResult> {
    if (this.running !== null) return this.running;
    const r = this.settings.retention();
    this.running = this.callLog
      .applyRetention({ maxAgeDays: r.maxAgeDays, maxBytes: Math.round(r.maxGiB * 2 ** 30) }, this.clock.now() * 1000)
      .finally(() => (this.running = null));
    return this.running;
  }
}
