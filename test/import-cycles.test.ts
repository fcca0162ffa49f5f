// No import cycle between the project's modules, type-only imports included: a cycle makes
// the load order decide what a module sees at start-up, and ties modules that should not
// know each other (the worker, the pool, the engine) into one.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importEdges, tsFiles } from './import-graph.ts';
import type { ImportEdge } from './import-graph.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('module imports', () => {
  it('the cycle finder names every file in a cycle and one cycle through them, self-imports included', () => {
    const e = (pairs: string): { from: string; to: string }[] => pairs.split(' ').map((p) => ({ from: p[0]!, to: p[1]! }));
    expect(findCycles(['a', 'b', 'c', 'd'], e('ab bc ca cd'))).toEqual([{ cycle: ['a', 'b', 'c'], component: ['a', 'b', 'c'] }]);
    expect(findCycles(['a', 'b', 'c'], e('ab bc ac'))).toEqual([]);
    expect(findCycles(['a'], e('aa'))).toEqual([{ cycle: ['a'], component: ['a'] }]);
    // Two cycles through a: one shown, the component names every file.
    expect(findCycles(['a', 'b', 'c', 'd'], e('ab ba bc cd da'))).toEqual([{ cycle: ['a', 'b'], component: ['a', 'b', 'c', 'd'] }]);
    const two = findCycles(['a', 'b', 'c', 'd'], e('ab ba cd dc'));
    expect(two.map((c) => c.component)).toEqual(expect.arrayContaining([['a', 'b'], ['c', 'd']]));
  });

  it('form no cycle under engine/, server/, data/, bench/ and test/', () => {
    const files = tsFiles(ROOT, ['engine', 'server', 'data', 'bench', 'test']);
    const edges = importEdges(ROOT, files);
    // The parse saw the imports (so that an empty graph cannot pass): a value import, a
    // type-only import, and one from a subfolder.
    expect(files.length).toBeGreaterThan(50);
    expect(edges).toEqual(expect.arrayContaining([
      expect.objectContaining({ from: 'engine/snapshot.ts', to: 'engine/db.ts', typeOnly: false }),
      expect.objectContaining({ from: 'engine/engine.ts', to: 'engine/meta.ts', typeOnly: true }),
      expect.objectContaining({ from: 'engine/engine.ts', to: 'engine/query/compile-plan.ts', typeOnly: false }),
    ]));
    const label = (a: string, b: string): string => {
      const e = edges.find((x: ImportEdge) => x.from === a && x.to === b)!;
      return `${a}:${e.line} -> ${e.typeOnly ? '(type) ' : ''}${b}`;
    };
    const cycles = findCycles(files.map((f) => f.slice(ROOT.length).replace(/^\//, '')), edges).map(({ cycle, component }) =>
      [...cycle.map((f, i) => label(f, cycle[(i + 1) % cycle.length]!)), `(in a cycle together: ${component.join(', ')})`].join('\n  '),
    );
    expect(cycles, `import cycles:\n  ${cycles.join('\n\n  ')}`).toEqual([]);
  });
});
