/**
 * Scheduled email reports: schedules (admin), "send now", the report history with its HTML preview and PDF
 * (analyst), and the figures of a period as the report shows them (analyst). The preview is served with a CSP that
 * forbids scripts and every fetch, sandboxed, frameable only by the UI.
 */
import { z } from 'zod';
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';
import { ReportScheduleSchema } from '../../reports/report-schedule.rules.ts';
import type { Principal } from '../../services/auth.service.ts';
import { idParam } from '../route.params.ts';

/** CSP of the report preview page: inline styles and data: images only, sandboxed, framed by the UI only. */
export const REPORT_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

function msParam(v: unknown, name: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(n)) throw new ApiError('validation_failed', [{ path: name, message: 'epoch milliseconds or an ISO-8601 time' }]);
  return n;
}

const actor = (p: Principal | null, ip: string) => ({ userId: p?.userId ?? null, username: p?.username ?? '', ip });

/** Report routes. */
export function reportRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({ method: 'get', path: '/reports/schedules', access: 'admin', summary: 'Report schedules', handler: () => ({ schedules: s.reports.listSchedules() }) }),
    route({
      method: 'post',
      path: '/reports/schedules',
      access: 'admin',
      summary: 'Adds a report schedule',
      body: ReportScheduleSchema,
      handler: ({ body, principal, ip, res }) => {
        res.status(201).json({ schedule: s.reports.createSchedule(body, actor(principal, ip)) });
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/reports/schedules/:id',
      access: 'admin',
      summary: 'One report schedule',
      handler: ({ req }) => {
        const schedule = s.reports.getSchedule(idParam(req.params.id));
        if (schedule === undefined) throw new ApiError('not_found');
        return { schedule };
      },
    }),
    route({
      method: 'put',
      path: '/reports/schedules/:id',
      access: 'admin',
      summary: 'Replaces a report schedule',
      body: ReportScheduleSchema,
      handler: ({ req, body, principal, ip }) => {
        const schedule = s.reports.updateSchedule(idParam(req.params.id), body, actor(principal, ip));
        if (schedule === undefined) throw new ApiError('not_found');
        return { schedule };
      },
    }),
    route({
      method: 'delete',
      path: '/reports/schedules/:id',
      access: 'admin',
      summary: 'Deletes a report schedule (its history stays)',
      handler: ({ req, principal, ip }) => {
        if (!s.reports.deleteSchedule(idParam(req.params.id), actor(principal, ip))) throw new ApiError('not_found');
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/reports/schedules/:id/send',
      access: 'analyst',
      summary: "Builds and sends a schedule's report now, for the period since its last report",
      handler: async ({ req, principal, ip }) => {
        const run = await s.reports.sendNow(idParam(req.params.id), actor(principal, ip));
        if (run === undefined) throw new ApiError('not_found');
        return { run };
      },
    }),
    route({
      method: 'get',
      path: '/reports/runs',
      access: 'analyst',
      summary: 'Report history, newest first (`?schedule=` to filter)',
      handler: ({ req }) => ({ runs: s.reports.listRuns(100, req.query.schedule === undefined ? undefined : idParam(req.query.schedule)) }),
    }),
    route({
      method: 'get',
      path: '/reports/runs/:id',
      access: 'analyst',
      summary: 'One report run with its delivery status and error',
      handler: ({ req }) => {
        const run = s.reports.getRun(idParam(req.params.id));
        if (run === undefined) throw new ApiError('not_found');
        return { run };
      },
    }),
    route({
      method: 'get',
      path: '/reports/runs/:id/preview',
      access: 'analyst',
      summary: 'The HTML page of a report run',
      handler: ({ req, res }) => {
        const page = s.reports.runHtml(idParam(req.params.id));
        if (page === undefined) throw new ApiError('not_found');
        res.setHeader('Content-Security-Policy', REPORT_PREVIEW_CSP);
        res.setHeader('X-Frame-Options', 'SAMEORIGIN');
        res.setHeader('Cache-Control', 'private, no-store');
        res.type('html').send(page);
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/reports/runs/:id/pdf',
      access: 'analyst',
      summary: 'The PDF of a report run (download)',
      handler: ({ req, res }) => {
        const pdf = s.reports.runPdf(idParam(req.params.id));
        if (pdf === undefined) throw new ApiError('not_found');
        res.setHeader('Content-Disposition', `attachment; filename="${pdf.name}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.type('application/pdf').send(pdf.content);
        return RESPONDED;
      },
    }),
    route({
      method: 'get',
      path: '/reports/data',
      access: 'analyst',
      summary: 'The figures a report shows for a period (`?from=&to=`, optional `&hosts=a,b`)',
      handler: ({ req }) => {
        const start = msParam(req.query.from, 'from');
        const end = msParam(req.query.to, 'to');
        if (end <= start) throw new ApiError('validation_failed', [{ path: 'to', message: 'must be after from' }]);
        const hosts = typeof req.query.hosts === 'string' && req.query.hosts !== '' ? z.array(z.string().min(1).max(253)).max(200).parse(req.query.hosts.split(',')) : [];
        return { data: s.reports.data({ start, end }, { hosts }) };
      },
    }),
  ] as RouteDef<never>[];
}
