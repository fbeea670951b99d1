/**
 * Host settings of the appliance: unattended security upgrades on or off, and what the host applied of them and of
 * the NTP servers (Settings → System), with the clock's sync state. The NTP servers themselves are part of
 * `/settings/system`.
 */
import { route, type RouteDef } from '../route.types.ts';
import type { AppServices } from '../app.services.ts';
import { UpgradeSettingsSchema } from '../../services/settings.service.ts';

/** Host settings routes. */
export function hostRoutes(s: AppServices): RouteDef<never>[] {
  return [
    route({
      method: 'get',
      path: '/settings/upgrades',
      access: 'analyst',
      summary: 'Whether unattended security upgrades are on',
      handler: () => ({ upgrades: s.settings.upgrades() }),
    }),
    route({
      method: 'put',
      path: '/settings/upgrades',
      access: 'admin',
      summary: 'Turns unattended security upgrades on or off (applied by the host)',
      body: UpgradeSettingsSchema,
      handler: ({ body, principal, ip }) => ({ upgrades: s.settings.setUpgrades(body, principal!, ip) }),
    }),
    route({
      method: 'get',
      path: '/system/host',
      access: 'analyst',
      summary: 'NTP servers and upgrade setting as desired and as applied by the host, and the clock sync state',
      handler: async () => ({ host: await s.host.status() }),
    }),
  ] as RouteDef<never>[];
}
