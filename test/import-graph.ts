// The project's module graph, read with the TypeScript compiler's own parser (TypeScript 7's
// API, which runs the compiler beside this process): every import and export-from
// statement, `import type` included, every `import('...')` call and `import('...')` type,
// resolved where the specifier is relative. Used by the import-cycle test.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { API } from 'typescript/unstable/sync';
import { SyntaxKind } from 'typescript/unstable/ast';
import type { Node, SourceFile } from 'typescript/unstable/ast';

export interface ImportEdge {
  /** Files relative to the root, with forward slashes. */
  readonly from: string;
  readonly to: string;
  /** Erased at run time (`import type`, `export type ... from`, an import type). */
  readonly typeOnly: boolean;
  readonly line: number;
}

/** The .ts files under `dirs` (relative to `root`), recursively. */
export function tsFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(resolve(root, d));
  return out.sort();
}

/** A relative specifier as Node (with tsx) resolves it: the file itself, or with .ts, or a
 *  folder's index.ts; a .js name may stand for its .ts source. */
function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const lineOf = (sf: SourceFile, pos: number): number => sf.text.slice(0, pos).split('\n').length;

function specifiersOf(sf: SourceFile): { spec: string; typeOnly: boolean; pos: number }[] {
  const found: { spec: string; typeOnly: boolean; pos: number }[] = [];
  const literal = (n: Node | undefined): string | undefined =>
    n && (n.kind === SyntaxKind.StringLiteral || n.kind === SyntaxKind.NoSubstitutionTemplateLiteral) ? (n as unknown as { text: string }).text : undefined;
  const visit = (n: Node, inType: boolean): void => {
    const any = n as unknown as Record<string, unknown> & Node;
    if (n.kind === SyntaxKind.ImportDeclaration) {
      const clause = any['importClause'] as (Node & { phaseModifier?: SyntaxKind; namedBindings?: Node & { elements?: readonly { isTypeOnly: boolean }[] } }) | undefined;
      const elements = clause?.namedBindings?.elements;
      const typeOnly = clause?.phaseModifier === SyntaxKind.TypeKeyword || (!!elements && elements.length > 0 && !(clause as { name?: unknown }).name && elements.every((e) => e.isTypeOnly));
      const spec = literal(any['moduleSpecifier'] as Node);
      if (spec !== undefined) found.push({ spec, typeOnly, pos: n.pos });
    } else if (n.kind === SyntaxKind.ExportDeclaration) {
      const spec = literal(any['moduleSpecifier'] as Node | undefined);
      if (spec !== undefined) found.push({ spec, typeOnly: any['isTypeOnly'] === true, pos: n.pos });
    } else if (n.kind === SyntaxKind.ExternalModuleReference) {
      const spec = literal(any['expression'] as Node);
      if (spec !== undefined) found.push({ spec, typeOnly: false, pos: n.pos });
    } else if (n.kind === SyntaxKind.ImportType) {
      const arg = any['argument'] as Node & { literal?: Node };
      const spec = literal(arg?.literal);
      if (spec !== undefined) found.push({ spec, typeOnly: true, pos: n.pos });
    } else if (n.kind === SyntaxKind.CallExpression && (any['expression'] as Node).kind === SyntaxKind.ImportKeyword) {
      const spec = literal((any['arguments'] as readonly Node[])[0]);
      if (spec !== undefined) found.push({ spec, typeOnly: inType, pos: n.pos });
    }
    n.forEachChild((c) => visit(c, inType));
  };
  for (const s of sf.statements) visit(s, false);
  return found;
}

/** Every import between the given files, parsed by the TypeScript compiler of the project
 *  whose tsconfig.json is in `root`. Throws where a file is not part of that project, so
 *  that no file is silently left out of the graph. */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const api = new API({ cwd: root });
  try {
    const project = api.updateSnapshot({ openProject: join(root, 'tsconfig.json') }).getProjects()[0];
    if (!project) throw new Error(`no TypeScript project at ${root}`);
    const rel = (p: string) => relative(root, p).split('\\').join('/');
    const edges: ImportEdge[] = [];
    for (const file of files) {
      const sf = project.program.getSourceFile(file);
      if (!sf) throw new Error(`${rel(file)} is not part of ${rel(join(root, 'tsconfig.json'))}`);
      for (const { spec, typeOnly, pos } of specifiersOf(sf)) {
        const target = resolveSpecifier(file, spec);
        if (spec.startsWith('.') && !target) throw new Error(`${rel(file)}: cannot resolve ${spec}`);
        if (target) edges.push({ from: rel(file), to: rel(target), typeOnly, line: lineOf(sf, pos + 1) });
      }
    }
    return edges;
  } finally {
    api.close();
  }
}

export interface Cycle {
  /** A path of files, each importing the next and the last the first. */
  readonly cycle: string[];
  /** Every file in a cycle with it (its strongly connected component), sorted. */
  readonly component: string[];
}

/** Every strongly connected component of more than one file, or of a file importing itself
 *  (Tarjan), each with one cycle through it: the shortest back to its first file. */
export function findCycles(nodes: readonly string[], edges: readonly { from: string; to: string }[]): Cycle[] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || next.get(v)!.includes(v)) components.push(c);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strong(v);
  // One concrete cycle per component: the shortest way back to its first file (BFS).
  return components.map((c) => {
    const component = [...c].sort();
    const inside = new Set(c);
    const start = component[0]!;
    const from = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of next.get(v)!) {
        if (!inside.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(from.get(path[0]!)!);
          return { cycle: path, component };
        }
        if (!from.has(w)) {
          from.set(w, v);
          queue.push(w);
        }
      }
    }
    return { cycle: [start], component };
  });
}
