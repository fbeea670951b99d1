/**
 * The appliance's TLS certificate: generated on first start as a self-signed ECDSA P-256 certificate for the
 * appliance's name (not tied to an IP address), with the `openssl` CLI; replaced by an uploaded one later.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Key and certificate in PEM. */
export interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
}

/** Loads `<dataDir>/tls/{key,cert}.pem`, generating a self-signed pair when missing. */
export function ensureCertificate(dataDir: string, commonName = 'api-radar'): TlsMaterial {
  const dir = join(dataDir, 'tls');
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', `/CN=${commonName}`,
        '-addext', `subjectAltName=DNS:${commonName},DNS:localhost`, '-keyout', keyPath, '-out', certPath],
      { stdio: 'pipe' },
    );
  }
  return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
}
