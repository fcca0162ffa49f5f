// Series over time with uPlot (canvas: thousands of buckets draw in milliseconds). Periods
// are local wall-clock dates or hours ("2026-03-01", "2026-03-29T02:00:00") and are drawn on
// a UTC axis so that they read as written; instants ("...Z") in the chosen zone.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { toNumber } from '../format.ts';
import type { ChartDef, Row } from '../dashboards/types.ts';

type SeriesDef = Extract<ChartDef, { kind: 'series' }>;
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#e15759', '#76b7b2'];
const INSTANT = /(Z|[+-]\d\d:?\d\d)$/;

function seconds(period: string): number {
  if (INSTANT.test(period)) return Date.parse(period) / 1000;
  return Date.parse(period.length === 10 ? `${period}T00:00:00Z` : `${period}Z`) / 1000;
}

function zoneOk(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function drawSeries(el: HTMLElement, rows: readonly Row[], def: SeriesDef, tz: string): void {
  const first = String(rows[0]?.[def.x] ?? '');
  const axisZone = INSTANT.test(first) && tz && zoneOk(tz) ? tz : 'Etc/UTC';
  // A line the answer does not hold (members' WAU per week) is left out, not drawn empty.
  const held = (l: { key: string }) => rows.some((r) => r[l.key] !== undefined);
  const lines = [...def.left.filter(held).map((l) => ({ ...l, scale: 'y' })), ...(def.right ?? []).filter(held).map((l) => ({ ...l, scale: 'y2' }))];
  const right = lines.some((l) => l.scale === 'y2');
  const data: uPlot.AlignedData = [rows.map((r) => seconds(String(r[def.x]))), ...lines.map((l) => rows.map((r) => toNumber(r[l.key])))];
  const opts: uPlot.Options = {
    width: Math.max(el.clientWidth, 300),
    height: 260,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), axisZone),
    scales: { x: { time: true } },
    series: [{ label: def.x }, ...lines.map((l, i) => ({ label: l.label, scale: l.scale, stroke: COLOURS[i % COLOURS.length], width: 2, ...(l.scale === 'y2' ? { dash: [6, 4] } : {}), points: { show: rows.length < 60 } }))],
    axes: [
      {},
      { scale: 'y', label: def.leftLabel, size: 70 },
      ...(right ? [{ scale: 'y2', side: 1, label: def.rightLabel, size: 70, grid: { show: false } }] : []),
    ],
    legend: { live: true },
  };
  const u = new uPlot(opts, data, el);
  // Follows the panel's width (the grid reflows with the window).
  new ResizeObserver(() => {
    const w = Math.max(el.clientWidth, 300);
    if (Math.abs(w - u.width) > 4) u.setSize({ width: w, height: 260 });
  }).observe(el);
}
