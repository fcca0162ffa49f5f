// Query rows -> the engine's answers: plain objects the server shapes into responses.
import type { Row } from './db.ts';
import { assertNever } from './errors.ts';
import type { Plan } from './query/plan.ts';

// Type aliases, not interfaces: rows must be assignable to Record<string, unknown>.
export type GroupRow = {
  readonly id: number;
  readonly x: string;
  readonly y: number | string;
  readonly z: number;
};

export type SeriesRow = {
  readonly period: string;
  readonly label: string;
  readonly blogs: number;
  readonly views: number;
  readonly growth: number | null;
};

export type AnalyticsResult =
  | { readonly kind: 'grouped'; readonly total: number; readonly rows: GroupRow[] }
  | { readonly kind: 'series'; readonly rows: SeriesRow[] };

export function toResult(plan: Plan, rows: readonly Row[]): AnalyticsResult {
  switch (plan.kind) {
    case 'grouped':
      return {
        kind: 'grouped',
        total: Number(rows[0]?.['total'] ?? 0),
        rows: rows.filter((r) => r['id'] !== null).map((r) => ({ id: r['id'] as number, x: r['x'] as string, y: r['y'] as number | string, z: r['z'] as number })),
      };
    case 'series':
      return {
        kind: 'series',
        rows: rows.map((r) => ({
          period: r['period'] as string,
          label: r['label'] as string,
          blogs: r['blogs'] as number,
          views: r['views'] as number,
          growth: r['growth'] === null ? null : Number(r['growth']),
        })),
      };
    default:
      return assertNever(plan);
  }
}
