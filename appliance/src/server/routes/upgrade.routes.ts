/** Upgrade bundles: the upgrade state (running version, last result) and the upload that starts an upgrade. */
import { route, RESPONDED, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';

/** Upgrade routes. */
export function upgradeRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/system/upgrade',
      access: 'admin',
      summary: 'The running version, whether upgrade bundles apply here, a pending upgrade and the last upgrade\'s result',
      handler: () => ({ upgrade: s.upgrade.status() }),
    }),
    route({
      method: 'post',
      path: '/system/upgrade',
      access: 'admin',
      summary: 'Uploads an upgrade bundle (raw body, api-radar-<version>.upgrade.tar); the appliance verifies and applies it, rolling back if the new version fails its health check',
      handler: async ({ req, res, principal, ip }) => {
        const manifest = await s.upgrade.upload(req, principal!, ip);
        res.status(202).json({ manifest, upgrade: s.upgrade.status() });
        return RESPONDED;
      },
    }),
  ] as RouteDef<never>[];
}
