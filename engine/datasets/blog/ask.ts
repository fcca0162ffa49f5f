// A blog question asked of an engine, answered in the old service's shape: for the
// benchmark and tests, which ask the fixed endpoints' questions without HTTP.
import type { Engine, RunOptions } from '../../engine.ts';
import type { CompiledQuery } from '../../query/compile-plan.ts';
import { answerOf, planFor } from './legacy.ts';
import type { AnalyticsResult } from './legacy.ts';
import type { QuerySpec } from './spec.ts';

export async function askBlog(engine: Engine, spec: QuerySpec, options?: RunOptions): Promise<AnalyticsResult> {
  return answerOf(spec, await engine.run(planFor(spec), options));
}

export const compileBlog = (engine: Engine, spec: QuerySpec): CompiledQuery => engine.compile(planFor(spec));
