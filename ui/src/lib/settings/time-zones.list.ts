// IANA time zones for the system settings: the browser's list (Intl.supportedValuesOf) with UTC, and which zone to
// preselect. Pure functions (tested in tests/unit/ui/).

/** The zones to offer, sorted, with UTC and `current` always present. */
export function timeZoneChoices(supported: readonly string[], current: string): string[] {
  const set = new Set(supported);
  set.add('UTC');
  if (current !== '') set.add(current);
  return [...set].sort((a, b) => a.localeCompare(b));
}

/** The zones this browser knows (UTC only when it cannot list them). */
export function supportedTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/** The browser's own zone, or UTC. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The zone to preselect: in the wizard the stored value is only the service's default (UTC), so the browser's zone
 * is proposed instead; afterwards the stored value wins.
 */
export function initialTimeZone(stored: string, browser: string, inWizard: boolean): string {
  return inWizard && stored === 'UTC' ? browser : stored;
}
