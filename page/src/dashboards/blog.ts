// The blog dataset's dashboard (SPEC.md): views by country and by viewer, the top lists,
// performance with growth, and totals from the query endpoint.
import type { DashboardDef } from './types.ts';

const VIEWS = [
  { key: 'x', label: 'name' },
  { key: 'y', label: 'blogs' },
  { key: 'z', label: 'views' },
  { key: 'id', label: 'id' },
];

export const blogDashboard: DashboardDef = {
  name: 'blog',
  title: 'Blog',
  dataset: 'blog',
  defaultRoot: 'blog_view',
  panels: [
    {
      id: 'totals',
      title: 'Totals',
      path: 'blog/query',
      params: { measures: 'views,blogs,viewers,avg_duration' },
      root: 'blog_view',
      chart: { kind: 'kpis', items: [{ key: 'views', label: 'views' }, { key: 'blogs', label: 'blogs viewed' }, { key: 'viewers', label: 'viewers' }, { key: 'avg_duration', label: 'mean duration (s)' }] },
      wide: true,
    },
    {
      id: 'countries',
      title: 'Views by viewer country',
      path: 'analytics/blog-views',
      params: { object_type: 'country', limit: '15' },
      root: 'blog_view',
      columns: VIEWS,
      chart: { kind: 'bars', label: (r) => String(r['x'] ?? '(none)'), value: (r) => r['z'], unit: () => 'views' },
    },
    {
      id: 'viewers',
      title: 'Views by viewer',
      path: 'analytics/blog-views',
      params: { object_type: 'user', limit: '15' },
      root: 'blog_view',
      columns: VIEWS,
      chart: { kind: 'bars', label: (r) => String(r['x'] ?? '(anonymous)'), value: (r) => r['z'], unit: () => 'views' },
    },
    {
      id: 'performance',
      title: 'Views and new blogs, with growth',
      path: 'analytics/performance',
      choices: [{ name: 'compare', label: 'per', values: ['day', 'week', 'month', 'year'], default: 'month' }],
      root: 'blog_view',
      columns: [{ key: 'label', label: 'period' }, { key: 'views', label: 'views' }, { key: 'blogs', label: 'new blogs' }, { key: 'growth', label: 'growth %' }],
      chart: { kind: 'series', x: 'period', left: [{ key: 'views', label: 'views' }, { key: 'blogs', label: 'new blogs' }], right: [{ key: 'growth', label: 'growth %' }], leftLabel: 'count', rightLabel: 'growth %' },
      wide: true,
    },
    {
      id: 'authors',
      title: 'Top authors',
      path: 'analytics/top',
      params: { top: 'user', limit: '10' },
      root: 'blog_view',
      columns: [{ key: 'x', label: 'author' }, { key: 'y', label: 'blogs' }, { key: 'z', label: 'views' }, { key: 'id', label: 'id' }],
      chart: { kind: 'bars', label: (r) => String(r['x']), value: (r) => r['z'], unit: () => 'views' },
    },
    {
      id: 'top-countries',
      title: 'Top countries',
      path: 'analytics/top',
      params: { top: 'country', limit: '10' },
      root: 'blog_view',
      columns: VIEWS,
      chart: { kind: 'bars', label: (r) => String(r['x'] ?? '(none)'), value: (r) => r['z'], unit: () => 'views' },
    },
    {
      id: 'blogs',
      title: 'Top blogs',
      path: 'analytics/top',
      params: { top: 'blog', limit: '10' },
      root: 'blog_view',
      columns: [{ key: 'x', label: 'blog' }, { key: 'y', label: 'author' }, { key: 'z', label: 'views' }, { key: 'id', label: 'id' }],
      chart: { kind: 'bars', label: (r) => String(r['x']), value: (r) => r['z'], unit: () => 'views' },
      wide: true,
    },
  ],
};
