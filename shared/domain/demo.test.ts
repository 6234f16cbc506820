import { describe, expect, it } from 'vitest';
import { demoCustomer, seededRandom } from './demo';
import { parseIdentityNumber } from './identity';
import { normalizeMobile } from './phone';

describe('demo customers', () => {
  it('have valid checksummed IDs whose birth date and gender agree, and valid mobiles', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i += 1) {
      const customer = demoCustomer(random);
      const id = parseIdentityNumber(customer.idNumber);
      expect(id.ok, customer.idNumber).toBe(true);
      if (id.ok) {
        expect(id.birthDate).toBe(customer.birthDate);
        expect(id.gender).toBe(customer.gender);
        expect(id.warnings).toEqual([]);
      }
      expect(normalizeMobile(customer.mobile).ok).toBe(true);
    }
  });
});
