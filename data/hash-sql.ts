// What the generators' SQL shares: uniform draws from counter-based hashes, a Zipf-like
// pick, and named parameters. A row's draws depend on its counter and the seed alone, so the
// same seed gives the same rows whatever the thread count.

// A uniform double in [0, 1) from the row counter `i`, the stream number and the seed. The
// counter and stream go into one hashed value: DuckDB combines the hashes of several
// arguments with cheap arithmetic, which left hash(i, s, 1) and hash(i, s, 5) correlated
// (a blog's views all fell within a few days); the seed, the same for every row, may.
export const U = (stream: number, counter = 'i') => `(hash(${counter} * 64 + ${stream}, $seed) / 18446744073709551616.0)`;

// A Zipf-like pick of 1..n (rank), spread over ids by a prime stride so that the most
// popular object is not simply id 1.
export const ZIPF = (u: string, n: string, prime: number) =>
  `(((least(${n}, floor(exp(${u} * ln(${n} + 1)))::BIGINT) - 1) * ${prime} + 7919) % ${n}) + 1`;

/** `$name` placeholders -> DuckDB's `$1, $2, ...` and their values, in order. */
export function bindNamed(sql: string, names: Readonly<Record<string, string | number>>): [string, (string | number)[]] {
  const params: (string | number)[] = [];
  const text = sql.replace(/\$([a-z]+)/g, (_, n: string) => {
    if (!(n in names)) throw new Error(`unbound $${n}`);
    params.push(names[n]!);
    return `$${params.length}`;
  });
  return [text, params];
}
