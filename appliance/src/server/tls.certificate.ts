/**
 * The appliance's TLS certificate: generated on first start as a self-signed ECDSA P-256 certificate for the
 * appliance's name (not tied to an IP address), with the `openssl` CLI; replaced by an uploaded one (checked, then
 * loaded into the running listener without a restart).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** What the UI shows about the certificate in use. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  subjectAltName: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
}

/** Describes a PEM certificate (the first one of a chain). */
export function describeCertificate(certPem: Buffer | string): CertificateInfo {
  const x = new X509Certificate(certPem);
  return {
    subject: x.subject,
    issuer: x.issuer,
    subjectAltName: x.subjectAltName ?? '',
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    fingerprint256: x.fingerprint256,
    selfSigned: x.subject === x.issuer,
  };
}

/** Why an uploaded certificate was refused. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/**
 * Checks an uploaded certificate (PEM, optionally followed by its chain) and private key (PEM, unencrypted): both
 * parse, the key belongs to the certificate, and the certificate is valid now. Then writes them in place of the
 * current pair (key first, each through a temporary file and a rename) and returns the material to load.
 */
export function installCertificate(dataDir: string, certPem: string, keyPem: string, nowMs = Date.now()): TlsMaterial {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new CertificateError('The certificate is not a PEM X.509 certificate.');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new CertificateError('The private key is not an unencrypted PEM private key.');
  }
  if (!cert.checkPrivateKey(key)) throw new CertificateError('The private key does not belong to the certificate.');
  if (Date.parse(cert.validTo) < nowMs) throw new CertificateError(`The certificate expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}.`);
  if (Date.parse(cert.validFrom) > nowMs) throw new CertificateError('The certificate is not valid yet.');
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, data: string): void => {
    const tmp = join(dir, `${name}.tmp`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  };
  write('key.pem', keyPem);
  write('cert.pem', certPem);
  return { key: Buffer.from(keyPem), cert: Buffer.from(certPem) };
}
