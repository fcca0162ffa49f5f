// "Did you mean": the nearest known name to an unknown one.

export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The known name closest to `name` by edit distance; ties go to the one of the most
 *  similar length, then to the longest shared prefix, so that `user__password` suggests
 *  `user__username` rather than `user__id`. */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  const probe = name.slice(0, 200).toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    let shared = 0;
    while (shared < k.length && shared < probe.length && k[shared] === probe[shared]) shared++;
    const score = distance(probe, k) + Math.abs(probe.length - k.length) / 100 - shared / 10_000;
    if (score < bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}
