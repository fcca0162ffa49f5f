// The rows of a compiled activity plan -> the engine's answer: microseconds become seconds,
// instants ISO text, and the figures about the whole window (concurrency's peak, the
// sessions' count, mean and percentiles) a part of their own (PlanResult.parts).
import { fieldTypeOf, tableDef, tableKey } from '../catalog.ts';
import type { DatasetDef } from '../dataset.ts';
import { assertNever } from '../errors.ts';
import type { PlanResult, ResultColumn } from '../result-types.ts';
import { intervalsDef } from './activity-sources.ts';
import { SESSION_BUCKETS } from './activity-sessions.ts';
import type { ActivityPlan } from './nodes.ts';

/** Microseconds (a number, bigint or its text) as seconds: exact for whole seconds, the
 *  nearest double otherwise. */
export function secondsOf(us: unknown): number | null {
  if (us === null || us === undefined) return null;
  const n = BigInt(typeof us === 'number' ? Math.round(us) : (us as string | bigint));
  return Number(n / 1_000_000n) + Number(n % 1_000_000n) / 1e6;
}

/** num / den in percent, two decimals, half up (num >= 0, den > 0), exactly. */
function percent(num: number, den: number): number {
  const hundredths = (2n * 10000n * BigInt(num) + BigInt(den)) / (2n * BigInt(den));
  return Number(hundredths) / 100;
}

/** An instant in epoch microseconds as ISO 8601 UTC (`2024-03-01T05:30:00.000Z`). */
const isoInstant = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
/** A wall-clock time (epoch microseconds read as UTC) as a local ISO date-time without zone. */
const isoWall = (us: number): string => new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);

const int = (name: string): ResultColumn => ({ name, type: 'integer' });

export function activityColumns(plan: ActivityPlan, ds: DatasetDef): ResultColumn[] {
  const q = plan.question;
  switch (q.kind) {
    case 'active':
      return [
        { name: 'period', type: 'date' },
        { name: 'label', type: 'text' },
        int('active'),
        int('new'),
        ...(q.granularity === 'day' ? [int('wau'), int('mau'), { name: 'stickiness', type: 'number' as const }] : []),
      ];
    case 'time': {
      const def = intervalsDef(ds.catalog, plan.intervals);
      const entity = tableDef(ds.catalog, def.entity);
      const type = (c: string) => fieldTypeOf(entity.columns.find((x) => x.name === c)?.sqlType ?? 'VARCHAR');
      return [{ name: 'entity', type: type(tableKey(entity)) }, ...q.labels.map((c) => ({ name: c, type: type(c) })), { name: 'date', type: 'date' }, { name: 'seconds', type: 'number' }];
    }
    case 'concurrency':
      return [{ name: 'period', type: plan.zone.kind === 'entity' ? 'datetime' : 'timestamp' }, int('peak'), int('members')];
    case 'sessions':
      return [{ name: 'label', type: 'text' }, int('min_seconds'), int('max_seconds'), int('count')];
    case 'heatmap':
      return [int('weekday'), int('hour'), { name: 'member_seconds', type: 'number' }, int('members')];
    default:
      return assertNever(q);
  }
}

const num = (v: unknown): number => Number(v ?? 0);

export function activityResult(plan: ActivityPlan, ds: DatasetDef, raw: readonly Record<string, unknown>[]): PlanResult {
  const columns = activityColumns(plan, ds);
  const q = plan.question;
  const rows = (list: Record<string, unknown>[]): PlanResult => ({ columns, total: list.length, rows: list });
  switch (q.kind) {
    case 'active':
      return rows(
        raw.map((r) => {
          const o: Record<string, unknown> = { period: r['period'], label: r['label'], active: num(r['active']), new: num(r['fresh']) };
          if (q.granularity === 'day') {
            const mau = num(r['mau']);
            Object.assign(o, { wau: num(r['wau']), mau, stickiness: mau === 0 ? null : percent(o['active'] as number, mau) });
          }
          return o;
        }),
      );
    case 'time': {
      const list = raw
        .filter((r) => r['entity'] !== null && r['entity'] !== undefined)
        .map((r) => ({ entity: r['entity'], ...Object.fromEntries(q.labels.map((c) => [c, r[c]])), date: r['date'], seconds: secondsOf(r['us']) }));
      return { columns, total: num(raw[0]?.['total']), rows: list };
    }
    case 'concurrency': {
      const wall = plan.zone.kind === 'entity';
      const list = raw.map((r) => ({ period: (wall ? isoWall : isoInstant)(num(r['period'])), peak: num(r['peak']), members: num(r['members']) }));
      const top = num(raw[0]?.['top_peak']);
      const at = top > 0 ? raw[0]?.['top_at'] : null;
      const peak = { members: top, at: at === null || at === undefined ? null : (wall ? isoWall : isoInstant)(num(at)) };
      return { ...rows(list), parts: { peak: { columns: [int('members'), { name: 'at', type: 'text' }], total: 1, rows: [peak] } } };
    }
    case 'sessions': {
      const r = raw[0] ?? {};
      const list = SESSION_BUCKETS.map((b, i) => ({ label: b.label, min_seconds: b.min, max_seconds: b.max, count: num(r[`c${i}`]) }));
      const n = num(r['n']);
      const centis = r['mean_centis'];
      const summary = {
        count: n,
        mean: centis === null || centis === undefined ? null : num(centis) / 100,
        median: secondsOf(r['median']),
        p90: secondsOf(r['p90']),
      };
      const summaryColumns: ResultColumn[] = [int('count'), ...['mean', 'median', 'p90'].map((name) => ({ name, type: 'number' as const }))];
      return { ...rows(list), parts: { summary: { columns: summaryColumns, total: 1, rows: [summary] } } };
    }
    case 'heatmap':
      return rows(raw.map((r) => ({ weekday: num(r['weekday']), hour: num(r['hour']), member_seconds: secondsOf(r['us']), members: num(r['members']) })));
    default:
      return assertNever(q);
  }
}
