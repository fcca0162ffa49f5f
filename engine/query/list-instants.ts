// How a list plan writes its instants (nodes.ts InstantStyle), through the dialect. Pure.
import type { Dialect } from '../dialect/dialect.ts';
import { assertNever } from '../errors.ts';
import type { InstantStyle } from './nodes.ts';
import type { ReadPath } from './paths.ts';

/** The SQL of a value as a list answers it: instants in `style` (`zone` reads the zone
 *  column of the listed row, for `zoned`), anything else as it is. */
export function listValue(r: ReadPath, sql: string, style: InstantStyle, dialect: Dialect, zone: () => string): string {
  if (r.type !== 'timestamp') return sql;
  switch (style.kind) {
    case 'iso':
      return dialect.isoInstant(sql);
    case 'zoned':
      return dialect.zonedIsoInstant(sql, zone());
    case 'minutes-text':
      return dialect.minutesText(sql);
    default:
      return assertNever(style);
  }
}

export const ISO: InstantStyle = { kind: 'iso' };
