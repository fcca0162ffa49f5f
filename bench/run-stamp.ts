// What every benchmark report is stamped with (the commit, the day, the machine) and how its
// files are written: the JSON of the report and its renderings beside it, under one stem.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function commit(root: string): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function runStamp(root: string): { commit: string; date: string; machine: string } {
  return {
    commit: commit(root),
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  };
}

/** Writes `<stem>.json` and `<stem>.<ext>` for each rendering; returns the line that says so. */
export function writeReport<R>(stem: string, report: R, renderings: Readonly<Record<string, (r: R) => string>>): string {
  writeFileSync(`${stem}.json`, JSON.stringify(report, null, 2));
  for (const [ext, render] of Object.entries(renderings)) writeFileSync(`${stem}.${ext}`, render(report));
  return `wrote ${stem}.{${['json', ...Object.keys(renderings)].join(',')}}`;
}
