// The pg_dump lexer without PostgreSQL (import-pg-dump-quoting.test.ts checks it against
// psql itself): each text hides a fake `COPY ... FROM stdin;` line in a construct psql
// reads as text, and only the real statement after it may come out.
import { describe, expect, it } from 'vitest';
import { DumpLexer } from '../data/sources/pg-dump-lexer.ts';

const FAKE = 'COPY public.analytics_app_blogview (id) FROM stdin;';
const REAL = 'COPY public.analytics_app_blogview (id, "odd ""name""") FROM stdin;';

/** The COPY statements found, with the 1-based line each ends on. */
function copies(text: string): [number, string][] {
  const lexer = new DumpLexer();
  const out: [number, string][] = [];
  let data = false;
  text.split('\n').forEach((line, i) => {
    if (data) {
      data = line !== '\\.';
      return;
    }
    const s = lexer.line(line);
    if (s !== undefined) {
      out.push([i + 1, s]);
      data = true;
    }
  });
  return out;
}

const CASES: Record<string, string[]> = {
  'a line comment': [`-- ${FAKE}`],
  'a block comment': ['/*', FAKE, '*/'],
  'a nested block comment': ['/* outer /* inner */', FAKE, 'still a comment */'],
  'a string with a doubled quote': [`SELECT 'it''s`, FAKE, `';`],
  "an E'' string with an escaped quote": [`SELECT E'\\' ;`, FAKE, `';`],
  'a plain string with standard_conforming_strings off': ['SET standard_conforming_strings = off;', `SELECT '\\' ;`, FAKE, `';`, 'SET standard_conforming_strings TO on;'],
  'a $$ body': ['CREATE FUNCTION f() RETURNS int AS $$', FAKE, '$$ LANGUAGE sql;'],
  'a $tag$ body holding $$': ['CREATE FUNCTION f() RETURNS int AS $_$ SELECT $$', FAKE, '$$ $_$ LANGUAGE sql;'],
  'a quoted identifier': [`CREATE TABLE "it's $$ /* --" (a int);`],
  'identifiers holding dollars': ['SELECT 1 AS a$$b, 2 AS c$x$;'],
  'a psql command': [`\\echo it's /* not a comment`],
  'parentheses': ['CREATE RULE r AS ON INSERT TO t DO INSTEAD (SELECT 1;', FAKE, ');'],
};

describe('pg_dump lexer', () => {
  for (const [name, lines] of Object.entries(CASES)) {
    it(`${name}: the fake COPY is text, the real one after it is found`, () => {
      const text = [...lines, REAL, '1\t2', '\\.', 'SELECT 1;'].join('\n');
      expect(copies(text)).toEqual([[lines.length + 1, REAL.slice(0, -1)]]);
    });
  }

  it('a COPY split over lines ends on the line of its semicolon', () => {
    expect(copies(['COPY public.t (a,', '  b) FROM', 'stdin; -- data follows', '1\t2', '\\.'].join('\n'))).toEqual([[3, 'COPY public.t (a,   b) FROM stdin']]);
  });

  it('COPY to a file or from a file has no data block', () => {
    expect(copies([`COPY t (a) TO '/tmp/x';`, `COPY t (a) FROM '/tmp/x';`, REAL].join('\n'))).toEqual([[3, REAL.slice(0, -1)]]);
  });
});
