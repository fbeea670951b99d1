/** Scheduled jobs (admin): the jobs table with state and next run, recorded runs, "run now", enable/disable. */
import { z } from 'zod';
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { ApiError } from '../../errors/error.catalogue.ts';

function jobParam(s: AppServices, v: unknown): string {
  const name = String(v);
  if (!s.jobs.has(name)) throw new ApiError('not_found');
  return name;
}

/** Job routes. */
export function jobRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({ method: 'get', path: '/jobs', access: 'admin', summary: 'Scheduled jobs with their state, last run and next run', handler: () => ({ jobs: s.jobs.list() }) }),
    route({ method: 'get', path: '/jobs/:name/runs', access: 'admin', summary: 'Recorded runs of a job, newest first', handler: ({ req }) => ({ runs: s.jobs.history(jobParam(s, req.params.name), 100) }) }),
    route({
      method: 'post',
      path: '/jobs/:name/run',
      access: 'admin',
      summary: 'Runs a job now and waits for it (skipped when it is already running)',
      handler: async ({ req, principal, ip }) => {
        const name = jobParam(s, req.params.name);
        s.audit.append({ at: s.clock.now(), userId: principal?.userId ?? null, username: principal?.username ?? '', action: 'job.run_now', target: `job:${name}`, ip, detail: {} });
        return { outcome: await s.jobs.runNow(name) };
      },
    }),
    route({
      method: 'put',
      path: '/jobs/:name',
      access: 'admin',
      summary: 'Enables or disables a job',
      body: z.object({ enabled: z.boolean() }),
      handler: ({ req, body, principal, ip }) => {
        const name = jobParam(s, req.params.name);
        s.jobs.setEnabled(name, body.enabled);
        s.audit.append({ at: s.clock.now(), userId: principal?.userId ?? null, username: principal?.username ?? '', action: body.enabled ? 'job.enable' : 'job.disable', target: `job:${name}`, ip, detail: {} });
        return { job: s.jobs.list().find((j) => j.name === name) };
      },
    }),
  ] as RouteDef<never>[];
}
