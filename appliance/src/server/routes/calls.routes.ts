/** The call log: search, timeline and totals (from DuckDB), and Parquet export of a time range. */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';

/** Call-log routes. */
export function callRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/calls',
      access: 'viewer',
      summary: 'Searches the call log (from, to, host, template, method, client, identity, status, sensitive, detection, q; cursor paging)',
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
  ] as RouteDef<never>[];
}
