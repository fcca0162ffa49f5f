/** Midnight UTC of the day an instant falls on: the default end of generated data, so
 *  that rolling windows ending "now" find views on the day it was generated. */
export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
