// Helpers of the attack analyzer tests: run the analyzer on a transaction built from a short spec.
import { makeCall, makeTx, type TxSpec } from '../../fixtures/transaction.fixture.ts';
import { AttacksAnalyzer } from '../../../appliance/src/analyzers/attacks/attacks.analyzer.ts';
import type { Detection } from '../../../appliance/src/analyzers/call.context.ts';

/** Detections of one call (a fresh analyzer unless one is given); `template` sets the matched endpoint. */
export function detect(spec: TxSpec, analyzer = new AttacksAnalyzer(), template?: string): Detection[] {
  const call = makeCall(makeTx(spec));
  if (template !== undefined) call.endpoint = { key: `${call.host} ${call.tx.method} ${template}`, host: call.host, method: call.tx.method, template, inSpec: false };
  analyzer.onCall(call);
  return call.detections;
}

/** Families detected in a GET with `value` as the query parameter `q`. */
export function familiesInQuery(value: string): string[] {
  return detect({ target: `/api/search?q=${encodeURIComponent(value)}` }).map((d) => d.type);
}

/** Families detected in a JSON body field `text`. */
export function familiesInJson(value: string, method = 'POST'): string[] {
  return detect({ method, target: '/api/items', requestType: 'application/json', requestBody: JSON.stringify({ text: value }) }).map((d) => d.type);
}
