// Top lists as horizontal bars and grids as heatmaps, with Observable Plot (SVG: the data
// arrive aggregated, a few dozen marks at most).
import { barX, cell, plot, ruleX } from '@observablehq/plot';
import { toNumber } from '../format.ts';
import type { ChartDef, Row } from '../dashboards/types.ts';

type BarsDef = Extract<ChartDef, { kind: 'bars' }>;
type HeatmapDef = Extract<ChartDef, { kind: 'heatmap' }>;

const short = (s: string): string => (s.length > 30 ? `${s.slice(0, 29)}…` : s);

/** Labels made unique (a band scale merges equal ones): a repeat gets its position. */
function unique(labels: string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n === 1 ? l : `${l} (${n})`;
  });
}

export function drawBars(el: HTMLElement, rows: readonly Row[], def: BarsDef, choices: Readonly<Record<string, string>>): void {
  const labels = unique(rows.map(def.label));
  const data = rows.map((r, i) => ({ label: labels[i]!, value: toNumber(def.value(r, choices)) ?? 0 }));
  el.append(
    plot({
      width: Math.max(el.clientWidth, 300),
      height: 40 + data.length * 22,
      marginLeft: 190,
      x: { grid: true, label: def.unit(choices) },
      y: { label: null, domain: labels, tickFormat: short },
      marks: [barX(data, { x: 'value', y: 'label', fill: '#4e79a7', tip: true }), ruleX([0])],
    }),
  );
}

/** The distinct values in order of appearance; numbers in numeric order. */
function domain(values: string[]): string[] {
  const d = [...new Set(values)];
  return d.every((v) => /^-?\d+$/.test(v)) ? d.sort((a, b) => Number(a) - Number(b)) : d;
}

export function drawHeatmap(el: HTMLElement, rows: readonly Row[], def: HeatmapDef): void {
  const cells = def.cells(rows);
  const ys = domain(cells.map((c) => c.y));
  el.append(
    plot({
      width: Math.max(el.clientWidth, 300),
      height: 60 + ys.length * 20,
      marginLeft: 80,
      padding: 0.05,
      x: { label: def.xLabel, domain: domain(cells.map((c) => c.x)) },
      y: { label: def.yLabel, domain: ys },
      color: { scheme: 'blues', legend: true, label: def.unit },
      marks: [cell(cells, { x: 'x', y: 'y', fill: 'value', tip: true })],
    }),
  );
}
