// The command-line face of Progress (progress.ts): on a terminal, a live bar per step
// (cli-progress) with the count, the total, the rate and the time left, and a line that stays
// when the step ends; elsewhere (CI logs, files) just that line, one per step, so that a log
// holds each step's figures without a screenful of redraws.
import { moveCursor } from 'node:readline';
import cliProgress from 'cli-progress';
import type { Progress } from './progress.ts';

/** What a bar is drawn on: process.stderr, or a stand-in in tests. */
export interface BarStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ReporterOptions {
  /** Where bars are drawn, when it is a terminal (default: stderr). */
  readonly stream?: BarStream;
  /** Where a finished step's line goes when `stream` is not a terminal. */
  readonly lines?: (line: string) => void;
  /** The clock, in milliseconds (tests fix it). */
  readonly now?: () => number;
  /** Redraws per second on a terminal. */
  readonly fps?: number;
}

export interface Reporter extends Progress {
  /** Ends the current step and, on a terminal, gives the terminal back (the cursor shown). */
  stop(): void;
}

export interface Step {
  readonly name: string;
  readonly total: number | undefined;
  readonly unit: string;
  readonly started: number;
  value: number;
}

const nf = new Intl.NumberFormat('en-US');

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** `n` of a unit: "1,234 rows", "1 row", "12.5 MiB". */
export function amount(n: number, unit: string): string {
  if (unit === 'bytes') return bytes(n);
  return `${nf.format(n)} ${n === 1 ? unit.replace(/s$/, '') : unit}`;
}

/** Seconds as a person reads them: "4.2 s", "3 min 05 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

// Units that flow, whose rate says something; of checks or statements it says nothing.
const FLOWING = new Set(['rows', 'bytes', 'requests']);

function rate(step: Step, seconds: number): string {
  const r = step.value / seconds;
  return step.unit === 'bytes' ? `${bytes(r)}/s` : `${nf.format(Math.round(r))} ${step.unit}/s`;
}

/** The line a finished step leaves: its name and figures. */
export function summary(step: Step, now: number): string {
  const seconds = (now - step.started) / 1000;
  if (step.value === 0 && step.total === undefined) return `${step.name}: ${duration(seconds)}`;
  const r = seconds >= 0.05 && step.value > 0 && FLOWING.has(step.unit) ? ` (${rate(step, seconds)})` : '';
  return `${step.name}: ${amount(step.value, step.unit)} in ${duration(seconds)}${r}`;
}

/** The live line of a running step; `bar` draws a bar for a share between 0 and 1. */
export function live(step: Step, now: number, bar: (share: number) => string): string {
  const seconds = (now - step.started) / 1000;
  const speed = seconds > 0 && step.value > 0 && FLOWING.has(step.unit) ? ` | ${rate(step, seconds)}` : '';
  if (step.total === undefined) {
    return step.value === 0 ? `${step.name} | ${duration(seconds)}` : `${step.name} | ${amount(step.value, step.unit)}${speed} | ${duration(seconds)}`;
  }
  const share = step.total > 0 ? Math.min(1, step.value / step.total) : 1;
  // The total may be an estimate (PostgreSQL's row count) that the count passes.
  const left = step.value > 0 && seconds > 0 ? duration((Math.max(0, step.total - step.value) * seconds) / step.value) : '-';
  const of = step.unit === 'bytes' ? `${bytes(step.value)}/${bytes(step.total)}` : `${nf.format(step.value)}/${amount(step.total, step.unit)}`;
  return `${step.name} [${bar(share)}] ${Math.floor(share * 100)}% | ${of}${speed} | ETA ${left}`;
}

export function progressReporter(options: ReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const lines = options.lines ?? ((line: string) => process.stdout.write(`${line}\n`));
  let step: Step | undefined;

  if (stream.isTTY !== true) {
    const end = () => {
      if (step) lines(summary(step, now()));
      step = undefined;
    };
    return {
      phase(name, total, unit = 'rows') {
        end();
        step = { name, total, unit, started: now(), value: 0 };
      },
      tick(n) {
        if (step) step.value += n;
      },
      done: end,
      note: lines,
      stop: end,
    };
  }

  const multi = new cliProgress.MultiBar({
    stream,
    fps: options.fps ?? 10,
    barsize: 30,
    hideCursor: true,
    gracefulExit: true,
    clearOnComplete: false,
    format: (o, _params, payload: { step: Step }) => live(payload.step, now(), (share) => cliProgress.Format.BarFormat(share, o)),
  });
  let bar: cliProgress.SingleBar | undefined;
  let active = false;
  const end = () => {
    if (step && bar) {
      multi.log(`${summary(step, now())}\n`);
      multi.remove(bar);
    }
    step = undefined;
    bar = undefined;
  };
  return {
    phase(name, total, unit = 'rows') {
      end();
      step = { name, total, unit, started: now(), value: 0 };
      bar = multi.create(total ?? 0, 0, { step });
      active = true;
    },
    tick(n) {
      if (!step || !bar) return;
      step.value += n;
      bar.update(step.value);
    },
    done: end,
    note(line) {
      if (active) multi.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    stop() {
      end();
      if (!active) return;
      // The last lines logged are written by a redraw: one more before the bars stop. No bar
      // is left, so the line break stop() ends with would leave an empty line: step back.
      multi.update();
      multi.stop();
      moveCursor(stream, 0, -1);
      active = false;
    },
  };
}
