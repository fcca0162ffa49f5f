// The whole view lives in the URL's query string, so that a link (or a reload) shows the
// same thing: the tab, the window and zone, the filter with its root, each chart's choices
// (`<panel>.<param>`), and the notebook's SQL. Secrets never go there (session.ts).
export interface State {
  /** A dashboard's name, or 'sql' for the notebook. */
  readonly view: string;
  /** '' = each endpoint's own default; 'custom' = start/end. */
  readonly range: string;
  readonly start: string;
  readonly end: string;
  readonly asOf: string;
  /** '' = the endpoints' default (UTC; the members heatmap: each member's zone). */
  readonly tz: string;
  /** The table the filter starts from ('' = the dashboard's default). */
  readonly root: string;
  /** The filter as the API's JSON text ('' = none). */
  readonly filters: string;
  /** Chart choices: `<panel>.<param>` -> value. */
  readonly options: Readonly<Record<string, string>>;
  readonly sql: string;
}

const SIMPLE = { view: 'view', range: 'range', start: 'start', end: 'end', asOf: 'as_of', tz: 'tz', root: 'root', filters: 'filters', sql: 'sql' } as const;
type Simple = keyof typeof SIMPLE;

export function parseState(search: string, defaultView: string): State {
  const q = new URLSearchParams(search);
  const get = (k: Simple) => q.get(SIMPLE[k]) ?? '';
  const options: Record<string, string> = {};
  for (const [k, v] of q) if (k.includes('.')) options[k] = v;
  return {
    view: get('view') || defaultView,
    range: get('range'),
    start: get('start'),
    end: get('end'),
    asOf: get('asOf'),
    tz: get('tz'),
    root: get('root'),
    filters: get('filters'),
    options,
    sql: get('sql'),
  };
}

export function toSearch(s: State): string {
  const q = new URLSearchParams();
  for (const k of Object.keys(SIMPLE) as Simple[]) if (s[k]) q.set(SIMPLE[k], s[k]);
  for (const [k, v] of Object.entries(s.options).sort(([a], [b]) => a.localeCompare(b))) if (v) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const STATE_CHANGED = 'analytics:state';

let current: State | undefined;
let fallbackView = 'blog';

export function initState(defaultView: string): State {
  fallbackView = defaultView;
  current = parseState(location.search, defaultView);
  window.addEventListener('popstate', () => {
    current = parseState(location.search, fallbackView);
    window.dispatchEvent(new CustomEvent(STATE_CHANGED));
  });
  return current;
}

export const state = (): State => current ?? parseState(location.search, fallbackView);

/** Changes the view: a new history entry (Back returns), and everyone re-reads the state. */
export function update(change: Partial<State>): void {
  current = { ...state(), ...change };
  const next = location.pathname + toSearch(current);
  if (next !== location.pathname + location.search) history.pushState(null, '', next);
  window.dispatchEvent(new CustomEvent(STATE_CHANGED));
}

/** Notes a change in the URL without a new history entry or a redraw (the notebook's SQL). */
export function remember(change: Partial<State>): void {
  current = { ...state(), ...change };
  history.replaceState(null, '', location.pathname + toSearch(current));
}

/** The window members the endpoints take, from the state. */
export function windowParams(s: State): Record<string, string | undefined> {
  const custom = s.range === 'custom';
  return {
    range: custom ? undefined : s.range || undefined,
    start: custom ? s.start || undefined : undefined,
    end: custom ? s.end || undefined : undefined,
    as_of: s.asOf || undefined,
    tz: s.tz || undefined,
  };
}
