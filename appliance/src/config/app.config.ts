/**
 * The service's boot configuration, read once from the environment and validated as a whole: every problem is
 * listed in one error. Each variable `X` may instead be given as `X_FILE` (a path whose content is the value), for
 * secrets kept in files. Settings that admins edit live in the state database, not here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Validated boot configuration. */
export interface AppConfig {
  /** Directory of the state database, event store, TLS material and setup token. */
  dataDir: string;
  /** Address the listeners bind to. */
  host: string;
  /** HTTPS port (the API and UI). */
  httpsPort: number;
  /** Plain HTTP port that only redirects to HTTPS; 0 disables it. */
  httpPort: number;
  /** Directory of the built UI (ui/dist). */
  uiDir: string;
  /** Interface the first-boot script chose for capture ('' when unknown). */
  captureInterface: string;
  /** Public URL base shown in the log and banner when the address cannot be guessed ('' = derive). */
  publicUrl: string;
}

/** Thrown when the environment is invalid; `problems` lists every one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Reads `name` or the file named by `name_FILE`; undefined when neither is set. */
function read(env: NodeJS.ProcessEnv, name: string, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && file !== undefined) {
    problems.push(`${name} and ${name}_FILE are both set; use one`);
    return direct;
  }
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as Error).message})`);
      return undefined;
    }
  }
  return direct;
}

function port(env: NodeJS.ProcessEnv, name: string, dflt: number, problems: string[], allowZero: boolean): number {
  const v = read(env, name, problems);
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    problems.push(`${name} must be a port number${allowZero ? ' (0 to disable)' : ''}, got "${v}"`);
    return dflt;
  }
  return n;
}

/**
 * Builds the configuration from `env` with the embedded defaults of a checkout: data in `./data`, HTTPS on 8443,
 * HTTP redirect on 8080, all interfaces. The appliance's unit file sets its own values (443/80,
 * /var/lib/api-radar).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const dataDir = resolve(cwd, read(env, 'API_RADAR_DATA_DIR', problems) || 'data');
  const host = read(env, 'API_RADAR_HOST', problems) || '0.0.0.0';
  const httpsPort = port(env, 'API_RADAR_HTTPS_PORT', 8443, problems, false);
  const httpPort = port(env, 'API_RADAR_HTTP_PORT', 8080, problems, true);
  if (httpPort !== 0 && httpPort === httpsPort) problems.push('API_RADAR_HTTP_PORT and API_RADAR_HTTPS_PORT must differ');
  const uiDir = resolve(cwd, read(env, 'API_RADAR_UI_DIR', problems) || 'ui/dist');
  const captureInterface = read(env, 'API_RADAR_CAPTURE_INTERFACE', problems) ?? '';
  if (captureInterface !== '' && !/^[A-Za-z0-9_.:@-]{1,15}$/.test(captureInterface)) problems.push(`API_RADAR_CAPTURE_INTERFACE is not an interface name: "${captureInterface}"`);
  const publicUrl = read(env, 'API_RADAR_PUBLIC_URL', problems) ?? '';
  if (publicUrl !== '' && !/^https:\/\/[^\s/]+(\/.*)?$/.test(publicUrl)) problems.push('API_RADAR_PUBLIC_URL must be an https:// URL');
  if (problems.length > 0) throw new ConfigError(problems);
  return { dataDir, host, httpsPort, httpPort, uiDir, captureInterface, publicUrl };
}
