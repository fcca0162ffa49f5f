// .env.example lists every setting server/config.ts reads, each at its default.
import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';

const example = parse(readFileSync('.env.example'));

describe('.env.example', () => {
  it('names every variable the configuration reads', () => {
    const read = [...readFileSync('server/config.ts', 'utf8').matchAll(/env\['([A-Z_]+)'\]/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(20);
    expect([...new Set(read)].filter((name) => !(name in example))).toEqual([]);
  });

  it('holds the defaults: loaded, it configures what an empty environment does', () => {
    expect(loadConfig(example, false)).toEqual(loadConfig({}, false));
  });
});
