// The import's DuckDB memory limit where none is asked for: scaled to the fact rows,
// within a floor and a quarter of the machine.
import { describe, expect, it } from 'vitest';
import { totalmem } from 'node:os';
import { availableMemory, importMemoryLimit } from '../data/import-memory.ts';

const GIB = 1024 ** 3;

describe('importMemoryLimit', () => {
  it('gives 1 GiB per 10M fact rows, at least 1 GiB, at most a quarter of the memory', () => {
    expect(importMemoryLimit(0, 24 * GIB)).toBe('1024MiB');
    expect(importMemoryLimit(6000, 24 * GIB)).toBe('1024MiB');
    expect(importMemoryLimit(10_000_000, 24 * GIB)).toBe('1024MiB');
    expect(importMemoryLimit(10_000_001, 24 * GIB)).toBe('2048MiB');
    expect(importMemoryLimit(100_000_000, 24 * GIB)).toBe('6144MiB');
    // A small machine: the quarter, but never under the floor.
    expect(importMemoryLimit(30_000_000, 8 * GIB)).toBe('2048MiB');
    expect(importMemoryLimit(30_000_000, 2 * GIB)).toBe('1024MiB');
  });

  it('reads the memory this process may use, never more than the machine has', () => {
    expect(availableMemory()).toBeGreaterThan(0);
    expect(availableMemory()).toBeLessThanOrEqual(totalmem());
  });
});
