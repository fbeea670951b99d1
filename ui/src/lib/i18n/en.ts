// English UI strings. Keys are shared with zh-CN.ts (a test checks both catalogues have the same keys and
// placeholders). Placeholders are {name}.
export const en = {
  'app.name': 'API Radar',
  'app.tagline': 'Passive API security',
  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.back': 'Back',
  'common.next': 'Next',
  'common.close': 'Close',
  'common.language': 'Language',
  'common.theme.light': 'Light theme',
  'common.theme.dark': 'Dark theme',
  'common.notFound': 'This page does not exist.',
  'error.network': 'The appliance did not answer. Check the connection and try again.',
  'error.unexpected': 'Something went wrong ({code}).',
  'error.unauthorized': 'Your session has ended. Please sign in again.',
  'error.forbidden': 'Your role does not allow this action.',
} as const;

/** A key of the UI catalogue. */
export type MessageKey = keyof typeof en;
