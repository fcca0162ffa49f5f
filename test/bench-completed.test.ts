// The benchmark stops, naming the workload, when a measured workload completed no request:
// a row of zeros in its table would read as a measurement.
import { describe, expect, it } from 'vitest';
import { NothingMeasured, assertCompleted } from '../bench/completed.ts';

describe('a workload that completed no request', () => {
  it('stops the benchmark with one line naming the workload and what happened instead', () => {
    const check = () => assertCompleted('mixed, uncached, WORKERS=2', { completed: 0, non2xx: 0, errors: 0 }, "the server's log: bench/results/server-10000.log");
    expect(check).toThrow(NothingMeasured);
    expect(check).toThrow(/^workload 'mixed, uncached, WORKERS=2' completed no request; the server's log: bench\/results\/server-10000\.log$/);
  });

  it('says how the requests ended where they did', () => {
    expect(() => assertCompleted('mixed, cached', { completed: 0, non2xx: 312, errors: 4 })).toThrow(
      "workload 'mixed, cached' completed no request (312 non-2xx responses, 4 errors)",
    );
  });

  it('lets a workload that completed any request through, whatever else failed', () => {
    expect(() => assertCompleted('mixed, cached', { completed: 1, non2xx: 5000, errors: 9 })).not.toThrow();
    expect(() => assertCompleted('top blogs, over HTTP', { completed: 30 })).not.toThrow();
  });
});
