/** Job: every night, move endpoints through their lifecycle states (new → active → dormant) and log the changes. */
import type { InventoryService } from '../services/inventory.service.ts';
import { jobResult, type Job } from './job.types.ts';

/** The inventory lifecycle job. */
export function inventoryLifecycleJob(inventory: Pick<InventoryService, 'runLifecycle'>): Job {
  return {
    name: 'inventory-lifecycle',
    cron: '30 2 * * *',
    description: 'Recomputes endpoint lifecycle states: new, active, dormant (not seen for the configured days)',
    async run() {
      const r = inventory.runLifecycle();
      return jobResult('inventoryLifecycle', { checked: r.checked, dormant: r.dormant, active: r.active }, `checked ${r.checked} endpoints: ${r.dormant} became dormant, ${r.active} active`);
    },
  };
}
