/**
 * The notifier plug-in contract. A kind (email, webhook, syslog, …) is one folder under notifiers/ exporting a
 * {@link NotifierPlugin}: a zod settings schema (the settings form is generated from it), the dotted paths of its
 * secret fields (write-only in the API) and a factory of {@link Notifier}s that send an alert or a test message.
 */
import type { z } from 'zod';
import type { Alert } from './alert.types.ts';

/** What every notifier may use besides its own settings. */
export interface NotifierContext {
  /** Product version (CEF header, user agent). */
  version: string;
  /** Base URL of the appliance's UI (e.g. `https://radar.example.com:8443`), '' when unknown. */
  publicUrl: string;
  /** Milliseconds since the epoch (the Clock). */
  now(): number;
  /** Waits between retries (tests pass one that records the delays and returns at once). */
  sleep(ms: number): Promise<void>;
}

/** The outcome of a successful send. */
export interface SendResult {
  /** Tries it took (1 = first try). */
  attempts: number;
  /** What the receiver said, for the delivery record (e.g. `HTTP 200`, an SMTP message id). */
  detail: string;
}

/** A failed send, explained in words a user can act on. */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  constructor(
    message: string,
    /** Tries made before giving up. */
    readonly attempts: number,
    /** Whether a later retry may help. */
    readonly transient: boolean,
    /** The receiver's or library's own text. */
    readonly detail: string = '',
  ) {
    super(message);
  }
}

/** A configured notifier (one channel). */
export interface Notifier {
  /** Sends one alert; throws {@link NotifierError}. */
  send(alert: Alert): Promise<SendResult>;
  /** Sends a test message that says it is a test; throws {@link NotifierError}. */
  test(): Promise<SendResult>;
  /** Releases connections. */
  close(): void;
}

/** One kind of notifier. */
export interface NotifierPlugin<S = unknown> {
  /** Stable id stored with each channel, e.g. `webhook`. */
  kind: string;
  /** Name shown in the UI. */
  label: { en: string; 'zh-CN': string };
  /** Settings schema (defaults filled in by parsing). */
  settings: z.ZodType<S>;
  /** Dotted paths of secret settings (`a.*` = every value of object `a`): never returned by the API, kept when a PUT sends the mask back. */
  secretFields: readonly string[];
  /** Builds a notifier over validated settings. */
  create(settings: S, ctx: NotifierContext): Notifier;
}
