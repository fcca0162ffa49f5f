// Hand-made snapshots for the time tests: a few blogs and views at chosen instants, written
// as a CSV folder (PostgreSQL's COPY ... CSV HEADER form) and imported the ordinary way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSnapshot } from '../data/import.ts';

/** A blog by author `author` (1 or 2), created at `created` (epoch ms, UTC). */
export interface BlogSeed { readonly id: number; readonly author: number; readonly created: number }
/** A view of blog `blog` at `at` (epoch ms, UTC). */
export interface ViewSeed { readonly blog: number; readonly at: number }

/** An ISO 8601 UTC timestamp that also reads right for years before 1000 and before 1970. */
export function isoUtc(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}+00`;
}

/** Writes the four tables into dir/csv and imports them into dir/snap.duckdb. */
export async function seededSnapshot(dir: string, blogs: readonly BlogSeed[], views: readonly ViewSeed[]): Promise<string> {
  const csv = join(dir, 'csv');
  mkdirSync(csv, { recursive: true });
  const lines = (head: string, rows: string[]) => [head, ...rows].join('\n') + '\n';
  writeFileSync(join(csv, 'country.csv'), lines('id,name,code', ['1,Chile,CHL']));
  writeFileSync(join(csv, 'user.csv'), lines('id,username,first_name,last_name,date_joined', ['1,ana,Ana,Diaz,2000-01-01 00:00:00+00', '2,bo,Bo,Li,2000-01-01 00:00:00+00']));
  writeFileSync(join(csv, 'blog.csv'), lines('id,title,author_id,country_id,created_at', blogs.map((b) => `${b.id},Blog ${b.id},${b.author},1,${isoUtc(b.created)}`)));
  writeFileSync(join(csv, 'blog_view.csv'), lines('id,blog_id,user_id,country_id,viewed_at,duration', views.map((v, i) => `${i + 1},${v.blog},${1 + (i % 2)},1,${isoUtc(v.at)},10`)));
  const db = join(dir, 'snap.duckdb');
  await importSnapshot({ source: csv, dbPath: db });
  return db;
}
