/**
 * The HTTPS certificate in use: what it is, and replacing it by an uploaded one (checked, stored, loaded into the
 * running listener without a restart, audited).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../errors/error.catalogue.ts';
import { CertificateError, describeCertificate, installCertificate, type CertificateInfo, type TlsMaterial } from '../server/tls.certificate.ts';
import type { AuditRepository } from '../store/sqlite/audit.repository.ts';
import type { Clock } from '../store/clock.repository.ts';
import type { Principal } from './auth.service.ts';

/** Certificate management. */
export class TlsService {
  /** Loads new material into the listener; set by the runtime once the server exists. */
  apply: (m: TlsMaterial) => void = () => undefined;

  constructor(
    private readonly dataDir: string,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** The certificate in use. */
  info(): CertificateInfo {
    return describeCertificate(readFileSync(join(this.dataDir, 'tls', 'cert.pem')));
  }

  /** Replaces the certificate; ApiError `validation_failed` with the reason when it is refused. */
  replace(certificate: string, privateKey: string, who: Principal, ip: string): CertificateInfo {
    let material: TlsMaterial;
    try {
      // Validity is judged by the wall clock, as TLS clients will judge it.
      material = installCertificate(this.dataDir, certificate, privateKey, Date.now());
    } catch (err) {
      if (err instanceof CertificateError) throw new ApiError('validation_failed', [{ path: 'certificate', message: err.message }], err.message);
      throw err;
    }
    this.apply(material);
    const info = this.info();
    this.audit.append({ at: this.clock.now(), userId: who.userId, username: who.username, action: 'settings.tls', target: 'tls', ip, detail: { subject: info.subject, fingerprint256: info.fingerprint256 } });
    return info;
  }
}
