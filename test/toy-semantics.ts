// The filter language's semantics over the toy dataset's rows: the brute-force evaluator of
// catalog-semantics.ts over the toy catalog, with its computed columns written out here by
// hand (decimals as exact integers).
import { CatalogWorld, units } from './catalog-semantics.ts';
import type { Computed } from './catalog-semantics.ts';
import { toyCatalog } from './toy-dataset.ts';
import type { ToyData } from './toy-dataset.ts';

export type { Json, Kind } from './catalog-semantics.ts';

function multiply(q: number, price: string): string {
  const [n, s] = units(price);
  const p = n * BigInt(q);
  const neg = p < 0n;
  const digits = (neg ? -p : p).toString().padStart(s + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
}

const COMPUTED: Computed = {
  customer: { display: { kind: 'text', of: (r) => `${r['name']} / ${r['city'] ?? '?'}` } },
  order_item: { amount: { kind: 'decimal', of: (r) => multiply(r['quantity'] as number, r['unit_price'] as string) } },
};

export class ToyWorld extends CatalogWorld {
  constructor(data: ToyData) {
    super(toyCatalog, { ...data }, COMPUTED);
  }
}
