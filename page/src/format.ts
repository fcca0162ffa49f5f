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
