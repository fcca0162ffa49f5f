// Messages a compiled query raises inside the database for a question too large to answer,
// which the runner turns into a 400 (a refusal of the request, not a server fault).

/** A filled series with more buckets x groups than FILL_MAX_ROWS (compile-series.ts). */
export const FILL_TOO_LARGE = 'fill_too_large';

/** A concurrency series with more buckets than CONCURRENCY_MAX_BUCKETS (activity-concurrency.ts). */
export const BUCKETS_TOO_MANY = 'buckets_too_many';
