// A panel's chart by its kind. Loaded on its own (panel.ts imports it lazily): the charting
// libraries are most of the page's weight, and the page's frame, controls and the notebook
// need none of them, so they show while this chunk and the answers are still on the way.
import { drawSeries } from './series.ts';
import { drawBars, drawHeatmap } from './bars.ts';
import { kpis, table } from './table.ts';
import type { PanelDef, Row } from '../dashboards/types.ts';

export function draw(el: HTMLElement, def: PanelDef, rows: Row[], choices: Record<string, string>, tz: string): void {
  const c = def.chart;
  switch (c.kind) {
    case 'series':
      return drawSeries(el, rows, c, tz);
    case 'bars':
      return drawBars(el, rows, c, choices);
    case 'heatmap':
      return drawHeatmap(el, rows, c);
    case 'table':
      el.append(table(rows, c.columns));
      return;
    case 'kpis':
      el.append(kpis(rows[0], c.items));
      return;
    default:
      c satisfies never;
  }
}
