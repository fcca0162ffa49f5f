// A dashboard is a declaration: a list of panels, each an endpoint of the public API with
// its parameters, the table its filters start from, where its rows are in the answer, and
// how to draw them. Adding a dataset's dashboard is adding one such declaration.
export type Row = Record<string, unknown>;
/** A JSON answer of an endpoint. */
export type Body = Record<string, unknown>;

/** A choice a person makes on one chart; it becomes the query parameter `name`. */
export interface Choice {
  readonly name: string;
  readonly label: string;
  readonly values: readonly string[];
  readonly default: string;
}

export interface Line {
  readonly key: string;
  readonly label: string;
}

export interface Column {
  readonly key: string;
  readonly label: string;
}

export type ChartDef =
  /** Lines over `x` (a period or an instant); `right` on a second axis (`rightLabel`). */
  | { readonly kind: 'series'; readonly x: string; readonly left: readonly Line[]; readonly right?: readonly Line[]; readonly leftLabel: string; readonly rightLabel?: string }
  /** Horizontal bars, one per row. */
  | { readonly kind: 'bars'; readonly label: (r: Row) => string; readonly value: (r: Row, choices: Readonly<Record<string, string>>) => unknown; readonly unit: (choices: Readonly<Record<string, string>>) => string }
  /** Cells of a grid: x and y in the given order, colour by value. */
  | { readonly kind: 'heatmap'; readonly cells: (rows: readonly Row[]) => { x: string; y: string; value: number }[]; readonly xLabel: string; readonly yLabel: string; readonly unit: string }
  | { readonly kind: 'table'; readonly columns: readonly Column[] }
  /** Figures in tiles (one row). */
  | { readonly kind: 'kpis'; readonly items: readonly Column[] };

export interface PanelDef {
  /** Stable: it names the panel in the URL (`<id>.<choice>`) and in tests. */
  readonly id: string;
  readonly title: string;
  /** The endpoint under /api/v1/. */
  readonly path: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly choices?: readonly Choice[];
  /** The view's zone as this endpoint takes it (default: as it is; undefined: not sent),
   *  for an endpoint that does not know a dashboard's zone word. */
  readonly zone?: (tz: string) => string | undefined;
  /** The table the endpoint's `filters` start from: the page's filter applies where it
   *  starts from the same table. */
  readonly root: string;
  /** Where the rows are in the answer (default: `data`). */
  readonly rows?: (body: Body) => Row[];
  /** A line under the chart from the answer's other members. */
  readonly note?: (body: Body) => string | undefined;
  /** The data table's columns (default: every member of the first row). */
  readonly columns?: readonly Column[];
  readonly chart: ChartDef;
  readonly wide?: boolean;
}

export interface DashboardDef {
  /** The view's name in the URL. */
  readonly name: string;
  readonly title: string;
  /** The dataset whose availability (/api/v1/datasets) and fields (/api/v1/meta) it uses. */
  readonly dataset: string;
  /** The filter's table unless the URL names another of the panels' roots. */
  readonly defaultRoot: string;
  /** Zone words besides IANA names that its endpoints take (`member`). */
  readonly zoneWords?: readonly string[];
  readonly panels: readonly PanelDef[];
}

export const dataRows = (body: Body): Row[] => (Array.isArray(body['data']) ? (body['data'] as Row[]) : []);

/** The value of a choice in effect: the URL's, else the default. */
export function choiceValues(panel: PanelDef, options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of panel.choices ?? []) {
    const v = options[`${panel.id}.${c.name}`];
    out[c.name] = v !== undefined && c.values.includes(v) ? v : c.default;
  }
  return out;
}
