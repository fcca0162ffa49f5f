// Does PostgreSQL give the marketplace answer the engine gave? Cell by cell, in order: a
// string of the answer (money, names, labels) must equal PostgreSQL's text exactly; a JSON
// number (counts, ranks, ratios) must equal PostgreSQL's value read as a number; an instant
// must be the same instant; null only matches null.

/** The first difference as a sentence, or null when the two agree. */
export function marketDifference(ours: readonly (readonly unknown[])[], theirs: readonly (readonly unknown[])[]): string | null {
  if (ours.length !== theirs.length) return `${ours.length} rows here, ${theirs.length} in PostgreSQL`;
  for (let r = 0; r < ours.length; r++) {
    const a = ours[r]!;
    const b = theirs[r]!;
    if (a.length !== b.length) return `row ${r}: ${a.length} cells here, ${b.length} in PostgreSQL`;
    for (let c = 0; c < a.length; c++) {
      if (!sameCell(a[c], b[c])) return `row ${r}, cell ${c}: ${JSON.stringify(a[c])} here, ${JSON.stringify(b[c])} in PostgreSQL`;
    }
  }
  return null;
}

function sameCell(ours: unknown, theirs: unknown): boolean {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined) return (ours ?? null) === (theirs ?? null);
  if (theirs instanceof Date) return typeof ours === 'string' && Date.parse(ours) === theirs.getTime();
  if (typeof ours === 'number') return Number(theirs) === ours;
  if (typeof ours === 'boolean') return theirs === ours;
  return String(theirs) === ours;
}
