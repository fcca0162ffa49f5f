// A measured workload that completed no request has measured nothing: its row of zeros would
// read as a result. The benchmark stops instead, naming the workload.

export interface Outcome {
  /** Requests answered with a 2xx status (samples taken, for a timed task). */
  readonly completed: number;
  readonly non2xx?: number;
  readonly errors?: number;
}

export class NothingMeasured extends Error {
  override readonly name = 'NothingMeasured';
}

/** Throws unless the workload completed at least one request; `where` says where to look. */
export function assertCompleted(workload: string, outcome: Outcome, where = ''): void {
  if (outcome.completed > 0) return;
  const why = [outcome.non2xx ? `${outcome.non2xx} non-2xx responses` : '', outcome.errors ? `${outcome.errors} errors` : ''].filter(Boolean).join(', ');
  throw new NothingMeasured(`workload '${workload}' completed no request${why ? ` (${why})` : ''}${where ? `; ${where}` : ''}`);
}
