import { createHash } from 'node:crypto';
import type { AllocationProvider, AllocationRequest } from '../../platform/payments/allocation';

/**
 * A local stand-in for the Tax Authority's allocation service: checks what the service checks
 * (a nine-digit tax file number, a positive amount), answers a nine-digit number derived from the
 * invoice (so asking twice for one invoice answers the same), and keeps every request it got.
 */
export class FakeAllocationProvider implements AllocationProvider {
  readonly name = 'fake-allocation';
  readonly requests: AllocationRequest[] = [];
  /** The next `count` requests fail as an unreachable service would (the activity retries). */
  failuresLeft = 0;

  async requestAllocation(request: AllocationRequest): Promise<{ allocationNumber: string }> {
    this.requests.push(request);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('allocation service unavailable');
    }
    if (!/^[0-9]{9}$/.test(request.issuerTaxId)) throw new Error(`allocation refused: tax file number ${request.issuerTaxId} is not nine digits`);
    if (request.netAgorot <= 0) throw new Error('allocation refused: the amount must be positive');
    const digest = createHash('sha256').update(request.invoiceId).digest();
    return { allocationNumber: String(100_000_000 + (digest.readUInt32BE(0) % 900_000_000)) };
  }
}
