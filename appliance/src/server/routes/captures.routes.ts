/** Capture uploads and their analysis results: the inventory, findings and clients of an analysed capture. */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import type { AnalysisReport } from '../../analysis/analysis-report.types.ts';

function runParam(q: unknown): number | undefined {
  if (q === undefined) return undefined;
  const n = Number(q);
  if (!Number.isInteger(n) || n < 1) throw new ApiError('bad_request', { run: 'must be a run id' });
  return n;
}

/**
 * The report a view reads: `?run=<id>` an uploaded capture, `?source=live` the live capture; by default the live
 * capture's newest snapshot when live capture is enabled and has written one, else the newest analysed upload.
 * Declared specs are not applied here (see SpecsService.apply).
 */
export function currentReport(s: AppServices, query: Record<string, unknown>): { run: { id: number; name: string }; report: AnalysisReport } {
  const wantLive = query.source === 'live' || (query.run === undefined && query.source !== 'upload' && s.live.settings().enabled);
  if (wantLive) {
    const live = s.live.report();
    if (live !== undefined) return { run: { id: 0, name: `live:${s.live.settings().iface}` }, report: live.report };
    if (query.source === 'live') throw new ApiError('not_found', undefined, 'The live capture has not written a report yet.');
  }
  const r = s.captures.report(runParam(query.run));
  if (r === undefined) throw new ApiError('not_found', undefined, 'No analysed capture yet.');
  return { run: { id: r.run.id, name: r.run.name }, report: r.report };
}

/** Capture routes. */
export function captureRoutes(s: AppServices): RouteDef<never>[] {
  const result = async (query: Record<string, unknown>) => {
    const r = currentReport(s, query);
    return { run: r.run, report: (await s.specs.apply(r.report)).report };
  };
  return [
    route({
      method: 'post',
      path: '/captures',
      access: 'analyst',
      summary: 'Uploads a pcap or pcapng capture (raw body, `?name=`) and starts its analysis',
      handler: async ({ req, res, principal, ip }) => {
        const name = typeof req.query.name === 'string' ? req.query.name : 'capture';
        const run = await s.captures.upload(req, name, principal!, ip);
        res.status(202).json({ run });
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/captures',
      access: 'viewer',
      summary: 'Uploaded captures, newest first',
      handler: () => ({ runs: s.captures.list() }),
    }),
    route({
      method: 'get',
      path: '/captures/:id',
      access: 'viewer',
      summary: 'One capture run with its progress while it is analysed',
      handler: ({ req }) => {
        const run = s.captures.get(runParam(req.params.id) ?? 0);
        if (run === undefined) throw new ApiError('not_found');
        return { run };
      },
    }),
    route({
      method: 'get',
      path: '/inventory/endpoints',
      access: 'viewer',
      summary: 'Endpoints of the live capture or the newest analysed upload (`?run=`, `?source=live|upload`)',
      handler: async ({ req }) => {
        const { run, report } = await result(req.query);
        return { run: { id: run.id, name: run.name }, endpoints: report.endpoints };
      },
    }),
    route({
      method: 'get',
      path: '/findings',
      access: 'viewer',
      summary: 'Findings of the live capture or the newest analysed upload (`?run=`, `?source=live|upload`)',
      handler: async ({ req }) => {
        const { run, report } = await result(req.query);
        return { run: { id: run.id, name: run.name }, findings: report.findings };
      },
    }),
    route({
      method: 'get',
      path: '/clients',
      access: 'viewer',
      summary: 'Clients of the live capture or the newest analysed upload (`?run=`, `?source=live|upload`)',
      handler: async ({ req }) => {
        const { run, report } = await result(req.query);
        return { run: { id: run.id, name: run.name }, clients: report.clients, stats: report.stats };
      },
    }),
  ] as RouteDef<never>[];
}
