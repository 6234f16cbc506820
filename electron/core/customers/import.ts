/** Bulk creation of customers through the op log (demo data, and later migrations from other systems). */
import type { IntakeFields } from '../../../shared/domain/intake/fields';
import type { Services } from '../services';

/** Bulk loads touch index pages all over the file; give SQLite room to keep them (bytes of cache). */
export function withBulkCache<T>(services: Services, bytes: number, work: () => T): T {
  const previous = services.ctx.db.pragma('cache_size', { simple: true }) as number;
  services.ctx.db.pragma(`cache_size = ${-Math.floor(bytes / 1024)}`);
  try {
    return work();
  } finally {
    services.ctx.db.pragma(`cache_size = ${previous}`);
  }
}

export function importCustomers(services: Services, staffId: string | null, customers: readonly IntakeFields[]): string[] {
  return services.transact(() => {
    const ids = customers.map((fields) => {
      const id = services.ctx.randomId('cus');
      services.ops.append(staffId, { entity: 'customer', entityId: id, changes: { ...fields } });
      return id;
    });
    services.audit.append(staffId, 'customer.import', null, { count: customers.length });
    return ids;
  });
}
