import { seededRandom } from './seeded-random.js'

/** One order event as the demo produces it (the record's value, as JSON). */
export interface OrderEvent {
  /** Position in the run's sequence: 0, 1, 2, ... (the ledger's check that values arrive intact). */
  readonly seq: number
  readonly orderId: string
  readonly customer: string
  readonly items: readonly { readonly sku: string; readonly quantity: number; readonly cents: number }[]
  readonly totalCents: number
  readonly currency: 'EUR' | 'USD' | 'GBP'
  readonly placedAt: number
}

const CURRENCIES = ['EUR', 'USD', 'GBP'] as const
const SKUS = 400

/**
 * Order events from a seed: the same seed gives the same customers, items
 * and totals in the same order. Keys are customer ids, so one customer's
 * orders go to one partition and are handled in order (`ordering: 'key'`);
 * a few customers order much more than others, as in a real shop.
 */
export class OrderGenerator {
  private readonly random: () => number
  private seq = 0

  constructor(
    seed: number,
    private readonly customers: number,
  ) {
    this.random = seededRandom(seed)
  }

  /** Orders made so far. */
  get count(): number {
    return this.seq
  }

  next(now: number): { key: string; value: string; order: OrderEvent } {
    const r = this.random
    // squaring skews towards low ids: customer-0000 orders far more often than customer-0499
    const customerIndex = Math.floor(r() * r() * this.customers)
    const customer = `customer-${String(customerIndex).padStart(4, '0')}`
    const lines = 1 + Math.floor(r() * 4)
    const items = []
    let totalCents = 0
    for (let i = 0; i < lines; i++) {
      const quantity = 1 + Math.floor(r() * 3)
      const cents = 199 + Math.floor(r() * 9800)
      totalCents += quantity * cents
      items.push({ sku: `sku-${String(Math.floor(r() * SKUS)).padStart(3, '0')}`, quantity, cents })
    }
    const seq = this.seq++
    const order: OrderEvent = {
      seq,
      orderId: `ord-${seq.toString(36).padStart(7, '0')}`,
      customer,
      items,
      totalCents,
      currency: CURRENCIES[Math.floor(r() * CURRENCIES.length)],
      placedAt: now,
    }
    return { key: customer, value: JSON.stringify(order), order }
  }
}
