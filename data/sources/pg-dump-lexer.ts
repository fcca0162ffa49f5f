// Splits a pg_dump plain-SQL file into statements as psql reads it, one line at a time, to
// find the `COPY ... FROM stdin;` statements whose data follows them. A COPY line inside a
// comment (`--`, nested `/* */`), a string ('' escapes; E'' and, with
// standard_conforming_strings off, plain strings with backslash escapes), a quoted
// identifier or a dollar-quoted body ($$ ... $$, $tag$ ... $tag$) is text, not a COPY. A
// backslash outside all of them starts a psql command, which runs to the end of its line.
// Only statements that may matter (COPY, SET) are kept; the SQL is never run.

type State =
  | { readonly kind: 'sql' }
  | { readonly kind: 'comment'; depth: number }
  | { readonly kind: 'string'; readonly backslashes: boolean }
  | { readonly kind: 'ident' }
  | { readonly kind: 'dollar'; readonly delimiter: string };

const SQL: State = { kind: 'sql' };
/** A character that continues an identifier or a number: a `$` after one is not a quote. */
const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_DELIMITER = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const SCS = /^SET\s+(?:SESSION\s+|LOCAL\s+)?standard_conforming_strings\s*(?:=|TO)\s*'?(\w+)'?$/i;

export class DumpLexer {
  private state: State = SQL;
  /** The current statement's text, comments as spaces, while it may be a COPY or a SET. */
  private statement = '';
  private keeping = true;
  private decided = false;
  private parens = 0;
  /** psql's default and what pg_dump sets since PostgreSQL 9.1. */
  private standardStrings = true;

  /** Reads one line (without its line end). Returns the text of a `COPY ... FROM stdin`
   *  statement that ends on it, without its semicolon: its data starts on the next line. */
  line(text: string): string | undefined {
    let i = 0;
    while (i < text.length) {
      const st = this.state;
      switch (st.kind) {
        case 'comment': {
          const open = text.indexOf('/*', i);
          const close = text.indexOf('*/', i);
          if (close < 0 && open < 0) i = text.length;
          else if (open >= 0 && (close < 0 || open < close)) {
            st.depth++;
            i = open + 2;
          } else {
            i = close + 2;
            if (--st.depth === 0) this.state = SQL;
          }
          break;
        }
        case 'string': {
          let j = i;
          while (j < text.length && text[j] !== "'" && !(st.backslashes && text[j] === '\\')) j++;
          if (j >= text.length) {
            this.add(text.slice(i));
            i = text.length;
          } else if (text[j] === '\\') {
            // The escaped character may be a quote, or the line end itself.
            this.add(text.slice(i, j + 2));
            i = j + 2;
          } else if (text[j + 1] === "'") {
            this.add(text.slice(i, j + 2));
            i = j + 2;
          } else {
            this.add(text.slice(i, j + 1));
            i = j + 1;
            this.state = SQL;
          }
          break;
        }
        case 'ident': {
          const j = text.indexOf('"', i);
          if (j < 0) {
            this.add(text.slice(i));
            i = text.length;
          } else if (text[j + 1] === '"') {
            this.add(text.slice(i, j + 2));
            i = j + 2;
          } else {
            this.add(text.slice(i, j + 1));
            i = j + 1;
            this.state = SQL;
          }
          break;
        }
        case 'dollar': {
          const j = text.indexOf(st.delimiter, i);
          const end = j < 0 ? text.length : j + st.delimiter.length;
          this.add(text.slice(i, end));
          i = end;
          if (j >= 0) this.state = SQL;
          break;
        }
        case 'sql': {
          const r = this.sql(text, i);
          if (typeof r === 'string') return r;
          i = r;
          break;
        }
      }
    }
    // The line end: whitespace between tokens, a character inside a literal.
    if (this.state.kind === 'sql') this.add(' ');
    else if (this.state.kind !== 'comment') this.add('\n');
    return undefined;
  }

  /** Lexes from `i` in plain SQL up to the next change of state; returns where it stopped,
   *  or the COPY statement that ended there. */
  private sql(text: string, i: number): number | string {
    for (; i < text.length; i++) {
      const c = text[i]!;
      const next = text[i + 1];
      if (c === '-' && next === '-') return text.length;
      if (c === '\\') return text.length;
      if (c === '/' && next === '*') {
        this.add(' ');
        this.state = { kind: 'comment', depth: 1 };
        return i + 2;
      }
      const prev = i > 0 ? text[i - 1]! : ' ';
      if (c === "'") {
        // E'...' (not the end of a word such as `type'`): backslash escapes.
        const e = (prev === 'E' || prev === 'e') && (i < 2 || !WORD.test(text[i - 2]!));
        this.add(c);
        this.state = { kind: 'string', backslashes: e || !this.standardStrings };
        return i + 1;
      }
      if (c === '"') {
        this.add(c);
        this.state = { kind: 'ident' };
        return i + 1;
      }
      if (c === '$' && !WORD.test(prev)) {
        DOLLAR_DELIMITER.lastIndex = i;
        const m = DOLLAR_DELIMITER.exec(text);
        if (m) {
          this.add(m[0]);
          this.state = { kind: 'dollar', delimiter: m[0] };
          return i + m[0].length;
        }
      }
      if (c === '(') this.parens++;
      else if (c === ')') this.parens = Math.max(0, this.parens - 1);
      else if (c === ';' && this.parens === 0) {
        const copy = this.end();
        if (copy !== undefined) return copy;
        continue;
      }
      this.add(c);
    }
    return i;
  }

  private add(s: string): void {
    if (!this.keeping) return;
    this.statement += s;
    if (this.decided) return;
    // Once the first word is known, only COPY and SET statements are kept.
    const m = /^\s*(\S)([A-Za-z]*)[^A-Za-z]/.exec(this.statement);
    if (!m) return;
    this.decided = true;
    if (!/^(copy|set)$/i.test(m[1]! + m[2]!)) {
      this.keeping = false;
      this.statement = '';
    }
  }

  private end(): string | undefined {
    const text = this.statement.trim();
    this.statement = '';
    this.keeping = true;
    this.decided = false;
    this.parens = 0;
    const scs = SCS.exec(text);
    if (scs) this.standardStrings = !/^(off|false|no|0)$/i.test(scs[1]!);
    return /^COPY\b/i.test(text) && /\bFROM\s+STDIN\b/i.test(text) ? text : undefined;
  }
}
