// The members dataset is built on other branches (SPEC-members.md): until it is served, the
// members dashboard is checked against answers of the spec's section 4 shapes, given to the
// browser in place of the server's (playwright's request routing). Only the members routes
// and /api/v1/datasets are replaced; everything else still reaches the real server.
import type { Page, Route } from 'playwright-core';

const DAY = 86_400_000;
const start = Date.UTC(2026, 9, 3);

const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => iso(ms).slice(0, 10);

export const MEMBERS_ANSWERS: Record<string, unknown> = {
  active: {
    compare: 'day',
    range: 'month',
    data: Array.from({ length: 30 }, (_, i) => {
      const active = 40 + ((i * 7) % 13);
      const mau = 90 + i;
      return { period: date(start + i * DAY), label: date(start + i * DAY), active, new: i % 4, wau: 70 + (i % 9), mau, stickiness: Math.round((active / mau) * 10000) / 100 };
    }),
    window: { start: iso(start), end: iso(start + 30 * DAY) },
  },
  concurrency: {
    bucket: 'hour',
    range: 'month',
    peak: { members: 17, at: iso(start + 5 * DAY + 14 * 3_600_000) },
    data: Array.from({ length: 72 }, (_, i) => ({ period: iso(start + i * 3_600_000), peak: 3 + ((i * 5) % 14), members: 6 + ((i * 3) % 19) })),
    window: { start: iso(start), end: iso(start + 30 * DAY) },
  },
  sessions: {
    range: 'month',
    buckets: [
      ['< 1 min', 0, 60, 12],
      ['1-5 min', 60, 300, 40],
      ['5-15 min', 300, 900, 55],
      ['15-60 min', 900, 3600, 31],
      ['1-4 h', 3600, 14400, 18],
      ['4-24 h', 14400, 86400, 6],
      ['>= 24 h', 86400, null, 2],
    ].map(([label, min_seconds, max_seconds, count]) => ({ label, min_seconds, max_seconds, count })),
    count: 164,
    mean: 2712.4,
    median: 640,
    p90: 9120,
    window: { start: iso(start), end: iso(start + 30 * DAY) },
  },
  heatmap: {
    tz: 'member',
    range: 'month',
    data: Array.from({ length: 168 }, (_, i) => ({ weekday: Math.floor(i / 24) + 1, hour: i % 24, member_seconds: ((i % 24) >= 8 && (i % 24) <= 18 ? 5000 : 600) + ((i * 37) % 900), members: 3 + (i % 7) })),
    window: { start: iso(start), end: iso(start + 30 * DAY) },
  },
};

const FIELDS = [
  { path: 'id', type: 'uuid', nullable: false, operators: ['eq', 'ne', 'in', 'not_in', 'isnull'] },
  { path: 'real_name', type: 'text', nullable: false, operators: ['eq', 'ne', 'icontains', 'in', 'not_in', 'isnull'] },
  { path: 'tz', type: 'text', nullable: false, operators: ['eq', 'ne', 'startswith', 'in', 'not_in', 'isnull'] },
  { path: 'activity_periods__duration', type: 'integer', nullable: true, operators: ['eq', 'gt', 'gte', 'lt', 'lte', 'between', 'isnull'] },
];

const json = (route: Route, body: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** Serves the members answers in the browser, and lists the dataset in /api/v1/datasets.
 *  `seen` receives each members request's path and query. */
export async function mockMembers(page: Page, seen: string[] = []): Promise<void> {
  await page.route((u) => u.pathname === '/api/v1/datasets', async (route) => {
    const real = (await (await route.fetch()).json()) as { datasets: unknown[] };
    await json(route, { datasets: [...real.datasets, { name: 'members', description: 'Member activity (mocked in the test)', available: true, measures: ['active_members'], snapshot: { tables: { member: 120, activity_period: 360 }, first_viewed_at: null, last_viewed_at: null, loaded_at: iso(start), source: 'mock', source_kind: 'parquet', synthetic: true, load_ms: 1 } }] });
  });
  await page.route((u) => u.pathname === '/api/v1/meta' && u.searchParams.get('dataset') === 'members', (route) => json(route, { dataset: 'members', root: 'member', roots: ['member', 'activity_period'], fields: FIELDS, ranges: ['day', 'week', 'month', 'year', 'all'] }));
  await page.route((u) => u.pathname.startsWith('/api/v1/members/'), (route) => {
    const u = new URL(route.request().url());
    seen.push(u.pathname + u.search);
    const answer = MEMBERS_ANSWERS[u.pathname.slice('/api/v1/members/'.length)];
    return answer ? json(route, answer) : route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: 'no such route', code: 'not_found', details: [] }) });
  });
}
