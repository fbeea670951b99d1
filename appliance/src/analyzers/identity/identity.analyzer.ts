/**
 * The identity analyzer: runs first in the pipeline and fills `call.auth` (scheme, carrier, stable identity id and
 * decoded JWT facts) for the analyzers after it. Counts calls per scheme for the report's clients and endpoints.
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
  readonly schemes = new Map<string, number>();

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
    const s = call.auth.scheme;
    this.schemes.set(s, (this.schemes.get(s) ?? 0) + 1);
  }

  contribute(_report: AnalysisReport): void {
    // Identities are reported per client by the clients analyzer and per endpoint by the inventory.
  }
}
