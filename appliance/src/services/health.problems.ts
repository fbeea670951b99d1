/** The problems the health snapshot can report, by stable code (the UI translates them; shared with ui/ as a type). */

/** Every health problem code. */
export const HEALTH_PROBLEM_CODES = ['disk_low', 'capture_failed', 'capture_restarting', 'capture_drops', 'call_log_losing', 'call_log_backlog', 'capture_one_sided', 'capture_encrypted'] as const;

/** A health problem code. */
export type HealthProblemCode = (typeof HEALTH_PROBLEM_CODES)[number];
