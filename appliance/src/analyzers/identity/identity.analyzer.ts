/**
 * The identity analyzer: runs first in the pipeline and fills `call.auth` (scheme, carrier, stable identity id and
 * decoded JWT facts) for the analyzers after it, and counts calls per scheme. CallAuth objects may be shared
 * between calls with the same credential (they are cached per Authorization value): consumers must not modify them.
 */
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';
import type { Analyzer } from '../analyzer.types.ts';
import type { CallContext } from '../call.context.ts';
import { JwtCache, resolveAuth } from './auth.resolver.ts';

/** Fills `call.auth` for every call. */
export class IdentityAnalyzer implements Analyzer {
  readonly id = 'identity';
  private readonly jwts: JwtCache;
  /** Calls per auth scheme. */
  readonly schemes: Record<string, number> = { none: 0, basic: 0, bearer: 0, jwt: 0, api_key: 0, cookie: 0, digest: 0, other: 0 };

  /** @param jwtCacheSize decoded tokens kept (tokens repeat across a client's calls) */
  constructor(jwtCacheSize = 4096) {
    this.jwts = new JwtCache(jwtCacheSize);
  }

  onCall(call: CallContext): void {
    try {
      call.auth = resolveAuth(call.tx, this.jwts);
    } catch {
      call.auth = { scheme: 'other', carrier: '', identity: '' };
    }
    this.schemes[call.auth.scheme]++;
  }

  contribute(_report: AnalysisReport): void {
    // Identities are reported per client by the clients analyzer and per endpoint by the inventory.
  }
}
