// The old member service's Django tables (app `task`, its member model `User`: task_user and
// task_activityperiod) in a real PostgreSQL, with Django's types (a UUID primary key,
// DateTimeField as timestamptz) and the index on the foreign key, loaded from a members
// Parquet folder: the import tests' source. The user model's password and last_login
// columns are there too, as Django's AbstractBaseUser makes them: never read on import.
import { loadDjangoSchema } from '../django-load.ts';
import type { DjangoExport, DjangoSchema } from '../django-load.ts';

export const taskDdl = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.task_user (id uuid PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL,
  real_name varchar(100) NOT NULL, tz varchar(100) NOT NULL);
CREATE TABLE ${s}.task_activityperiod (id bigserial PRIMARY KEY, member_id uuid NOT NULL REFERENCES ${s}.task_user (id),
  start_time timestamptz NOT NULL, end_time timestamptz NOT NULL);
CREATE INDEX ON ${s}.task_activityperiod (member_id);
`;

// Django column order; values from the Parquet files, passwords made up here.
const EXPORTS: readonly DjangoExport[] = [
  ['task_user', 'member', `SELECT id, 'pbkdf2_sha256$600000$' || md5(id::VARCHAR) AS password, NULL AS last_login, real_name, tz FROM read_parquet($1)`],
  ['task_activityperiod', 'activity_period', `SELECT id, member_id, start_time, end_time FROM read_parquet($1)`],
];

export const TASK_TABLES = EXPORTS.map(([t]) => t);

const APP: DjangoSchema = {
  ddl: taskDdl,
  exports: EXPORTS,
  // The sequence after the loaded ids, as Django would have left it.
  after: (s) => [`SELECT setval(pg_get_serial_sequence('${s}.task_activityperiod', 'id'), (SELECT max(id) FROM ${s}.task_activityperiod))`],
};

/** Creates the schema (dropping an old one of that name) and loads it from a Parquet folder
 *  of this dataset; `workDir` holds the intermediate CSV files. */
export const loadTaskSchema = (schema: string, parquetDir: string, workDir: string): Promise<void> => loadDjangoSchema(APP, schema, parquetDir, workDir);
