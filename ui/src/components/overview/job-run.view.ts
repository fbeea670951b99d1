// A job run's message in the UI language: the service records what a run did as a message code with parameters
// (`job.msg.<code>` in the catalogue) beside its English text; the text is shown for runs without a code (older runs,
// failures, whose message is the error) and for codes this UI does not know.
import { messageKey } from '../../lib/i18n/i18n.ts';
import type { MessageKey } from '../../lib/i18n/en.ts';

/** The parts of a job run the message is made from. */
export interface JobRunMessage {
  message: string;
  summary: { code: string; params: Record<string, string | number> } | null;
}

/** The run's message through `translate` (the UI's `t`). */
export function jobRunText(run: JobRunMessage, translate: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (run.summary === null) return run.message;
  const key = messageKey(`job.msg.${run.summary.code}`);
  return key === null ? run.message : translate(key, run.summary.params);
}
