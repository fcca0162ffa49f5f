// The page's lengths of time as people read them (the members' session stats): whole units,
// two at most, rounded down, and the plain seconds where there is less than one.
import { describe, expect, it } from 'vitest';
import { duration } from '../page/src/format.ts';

describe('duration', () => {
  it.each([
    [0, '0 s'],
    [0.5, '0.5 s'],
    [1, '1 s'],
    [59.9, '59 s'],
    [60, '1 min 0 s'],
    [185, '3 min 5 s'],
    [3_599, '59 min 59 s'],
    [3_600, '1 h 0 min'],
    [30_810.1, '8 h 33 min'],
    [86_399, '23 h 59 min'],
    [86_400, '1 d 0 h'],
    [96_071, '1 d 2 h'],
    [40 * 86_400 + 7_200, '40 d 2 h'],
    ['4092', '1 h 8 min'],
    [null, '–'],
    [undefined, '–'],
  ])('%s -> %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});
