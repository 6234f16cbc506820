/** Bulk creation of customers through the op log (demo data, and later migrations from other systems). */
import type { IntakeFields } from '../../../shared/domain/intake/fields';
import type { Services } from '../services';

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
