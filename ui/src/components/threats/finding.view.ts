// Finding types in words: the service names a finding by its type id (`sqli`, `credential_stuffing`, …); the UI shows
// the type's name in the UI language, and the id itself for a type it has no name for (a newer service).
import { messageKey } from '../../lib/i18n/i18n.ts';
import type { MessageKey } from '../../lib/i18n/en.ts';

/** The catalogue key naming finding type `type` (`ftype.<type>`), or null when the UI has no name for it. */
export function findingTypeKey(type: string): MessageKey | null {
  return messageKey(`ftype.${type}`);
}

/** The name of finding type `type` through `translate` (the UI's `t`), else the id. */
export function findingTypeName(type: string, translate: (key: MessageKey) => string): string {
  const key = findingTypeKey(type);
  return key === null ? type : translate(key);
}
