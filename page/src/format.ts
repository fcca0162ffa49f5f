// Numbers as people read them. Exact decimals arrive as strings ("1234.50") and keep their
// digits: only the integer part gets separators, never a trip through a binary float.
const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return grouping.format(v);
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const [int = '', frac] = v.split('.');
    const neg = int.startsWith('-');
    const digits = (neg ? int.slice(1) : int).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${neg ? '-' : ''}${digits}${frac !== undefined ? `.${frac}` : ''}`;
  }
  if (Array.isArray(v)) return v.map((x) => (x === null ? '–' : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A chart's number: decimals and numbers alike (the chart's scale is approximate anyway). */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Right-aligned columns: numbers and exact decimals. */
export const numeric = (v: unknown): boolean => typeof v === 'number' || (typeof v === 'string' && DECIMAL.test(v));

/** A length of time as people say it, to two units: "42 s", "3 min 5 s", "8 h 0 min",
 *  "2 d 3 h" (whole units, rounded down: the exact seconds are in the data table). */
export function duration(seconds: unknown): string {
  const n = toNumber(seconds);
  if (n === null) return '–';
  const s = Math.floor(n);
  const units: [number, string][] = [[86_400, 'd'], [3_600, 'h'], [60, 'min'], [1, 's']];
  const i = units.findIndex(([u]) => s >= u);
  if (i < 0) return `${grouping.format(n)} s`;
  const [big, bigName] = units[i]!;
  const next = units[i + 1];
  return next ? `${Math.floor(s / big)} ${bigName} ${Math.floor((s % big) / next[0])} ${next[1]}` : `${s} s`;
}
