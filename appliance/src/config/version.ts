/** The product version, read from package.json (shared by the service, the CLI and the image build). */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** The version in package.json. */
export function serviceVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
