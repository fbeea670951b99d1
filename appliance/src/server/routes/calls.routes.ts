/**
 * The call log: search, timeline and totals (from DuckDB), one endpoint's clients, one call with its findings, Parquet
 * export of a time range and CSV export of a search.
 */
import { once } from 'node:events';
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';

/** Call-log routes. */
export function callRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/calls',
      access: 'viewer',
      summary: 'Searches the call log (from, to, host, template, method, client, identity, status, sensitive, detection, finding, q; cursor paging)',
      handler: ({ req }) => s.calls.search(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/timeline',
      access: 'viewer',
      summary: 'Calls, errors, sensitive calls and detections per time bucket (from, to, host)',
      handler: ({ req }) => s.calls.timeline(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/endpoint-timeline',
      access: 'viewer',
      summary: "One endpoint's calls per time bucket: statuses by class, mean and p95 latency (host, method, template, from, to)",
      handler: ({ req }) => s.calls.endpointTimeline(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/endpoint-clients',
      access: 'viewer',
      summary: "One endpoint's clients by address and identity: calls, error share, sensitive values, first/last seen, findings (host, method, template, from, to, limit)",
      handler: ({ req }) => s.calls.endpointClients(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/sensitive',
      access: 'viewer',
      summary: 'Sensitive types with their levels, and the endpoints and clients whose calls carried each (from, to, top)',
      handler: ({ req }) => s.calls.sensitive(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/totals',
      access: 'viewer',
      summary: 'Totals over a time range: calls, clients, identities, hosts, endpoints, errors',
      handler: ({ req }) => s.calls.totals(req.query),
    }),
    route({
      method: 'get',
      path: '/calls/export',
      access: 'analyst',
      summary: 'Downloads the calls of a time range as Parquet (from, to)',
      handler: async ({ req, res, principal, ip }) => {
        const out = await s.calls.exportParquet(req.query);
        s.audit.append({ at: s.clock.now(), userId: principal!.userId, username: principal!.username, action: 'calls.export', target: 'calls', ip, detail: { rows: out.rows } });
        res.setHeader('Content-Type', 'application/vnd.apache.parquet');
        res.setHeader('X-Rows', String(out.rows));
        res.download(out.path, out.name, () => out.cleanup());
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/calls/export.csv',
      access: 'analyst',
      summary: 'Downloads the calls matching the call-log filters as CSV, newest first, at most 100,000 (filters as GET /calls)',
      handler: async ({ req, res, principal, ip }) => {
        const lines = s.calls.exportCsv(req.query);
        let next = await lines.next(); // invalid filters fail here, before any header is sent
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="calls.csv"');
        while (next.done !== true) {
          if (!res.write(next.value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
          if (res.destroyed) {
            await lines.return(0);
            return RESPONDED;
          }
          next = await lines.next();
        }
        res.end();
        s.audit.append({ at: s.clock.now(), userId: principal!.userId, username: principal!.username, action: 'calls.export_csv', target: 'calls', ip, detail: { rows: next.value } });
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/calls/:id',
      access: 'viewer',
      summary: 'One stored call with every column and the findings it counts in',
      handler: ({ req }) => s.calls.call(String(req.params.id)),
    }),
  ] as RouteDef<never>[];
}
