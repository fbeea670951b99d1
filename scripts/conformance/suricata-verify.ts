/**
 * CLI: prints the suricata-verify conformance table and agreement figure of the HTTP engine.
 * Usage: node --import tsx scripts/conformance/suricata-verify.ts [--verbose] [--case <substring>] [--tx]
 *   --verbose  also list the checks that held
 *   --case     only cases whose name contains the substring
 *   --tx       dump our transactions (method, host, uri, status, version, length, flags) for the selected cases
 * Exits 1 when the corpus is present and the agreement is below the 95% bar or a capture could not be read.
 */
import { txFlagNames } from '../../appliance/src/engine/transaction.types.ts';
import { formatSummary, formatTable, loadCases, locateCorpus, repositoryRoot, summarize, CORPUS_RELATIVE_PATH } from './suricata-verify.compare.ts';
import { runCapture, runConformance } from './suricata-verify.runner.ts';

/** Minimum agreement over in-scope cases (the issue's acceptance bar). */
const REQUIRED_AGREEMENT_PCT = 95;

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const dumpTx = argv.includes('--tx');
  const ci = argv.indexOf('--case');
  const filter = ci >= 0 ? (argv[ci + 1] ?? '') : '';
  const corpus = locateCorpus(repositoryRoot());
  if (corpus === null) {
    console.log(`corpus ${CORPUS_RELATIVE_PATH} not found: nothing to compare`);
    return 0;
  }
  const run = await runConformance(corpus);
  const results = run.results.filter((r) => r.name.includes(filter));
  console.log(formatTable(results, verbose));
  console.log('');
  console.log(formatSummary(filter === '' ? run.summary : summarize(results)));
  if (run.withoutPcap.length > 0) console.log(`cases without a capture in the snapshot: ${run.withoutPcap.join(', ')}`);
  console.log(`elapsed: ${run.elapsedMs.toFixed(0)} ms`);
  if (dumpTx) {
    for (const c of loadCases(corpus)) {
      if (!c.name.includes(filter) || c.pcapPath === null) continue;
      const cap = await runCapture(c.pcapPath);
      console.log(`\n== ${c.name} (${cap.packets} packets, ${cap.transactions.length} transactions${cap.error !== null ? `, error ${cap.error}` : ''})`);
      for (const tx of cap.transactions) {
        const len = tx.responseBody?.wireLength ?? 0;
        console.log(
          `  #${tx.flowId}.${tx.index} ${tx.clientIp}:${tx.clientPort} -> ${tx.serverIp}:${tx.serverPort} ${JSON.stringify(tx.method)} host=${JSON.stringify(tx.host)} uri=${JSON.stringify(tx.uri)} ${tx.httpVersion} status=${tx.status} len=${len} [${txFlagNames(tx.flags).join(',')}]`,
        );
      }
    }
  }
  if (filter !== '') return 0;
  return run.summary.errors.length > 0 || run.summary.agreementPct < REQUIRED_AGREEMENT_PCT ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
