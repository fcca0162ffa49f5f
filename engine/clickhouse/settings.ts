// The settings every query to ClickHouse runs under: the SQL of the ClickHouse dialect
// (dialect/clickhouse.ts) relies on them to mean what DuckDB's SQL means, and the rows
// conversion (rows.ts) on the way values are written.

/** Settings of every session (chdb) or request (a server). */
export const QUERY_SETTINGS: Readonly<Record<string, string | number>> = {
  // An outer join's missing side is NULL (not the type's default: 0, '').
  join_use_nulls: 1,
  // sum, min, max, avg over no rows are NULL, as in SQL (not 0); count stays 0.
  aggregate_functions_null_for_empty: 1,
  // CAST of a NULL keeps it NULL (CAST(x AS Int64) would refuse it).
  cast_keep_nullable: 1,
  // tuple(x AS a) is a named tuple, written as an object: a child list's rows.
  enable_named_columns_in_function_tuple: 1,
  // A name in WHERE is the table's column, not an alias of the same SELECT (`SELECT
  // blog_country_id AS id ... WHERE id < 5` reads the table's id, as in DuckDB).
  prefer_column_name_to_alias: 1,
  // `x = a OR x = b OR x = c` stays as written (the dialect's `in`): rewritten into
  // `x IN (a, b, c)`, the values would be converted to x's type, and one too large for a
  // narrow DECIMAL column fails the query instead of matching nothing.
  optimize_min_equality_disjunction_chain_length: 1000,
  // GROUP BY 1, 2 names columns by position.
  enable_positional_arguments: 1,
  // A zone read from a column (a member's zone) in toString (dialect localTime).
  allow_nonconst_timezone_arguments: 1,
  // Instants are read and written in UTC whatever the server's zone.
  session_timezone: 'UTC',
  // 64-bit integers and decimals as JSON strings: exact, never through a double; decimals
  // with their scale's trailing zeros, as DuckDB writes them (0.30, not 0.3).
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_decimals: 1,
  output_format_decimal_trailing_zeros: 1,
  // JSON text built in the query (dialect jsonObject: /fetch/'s members) writes `/` as is,
  // as DuckDB's to_json does (`Pacific/Chatham`, not `Pacific\/Chatham`).
  output_format_json_escape_forward_slashes: 0,
};

/** Added on a cluster: a subquery over a Distributed table inside a query over one (a
 *  semi-join on the fact rows) runs once, on the initiator, and its set goes to every shard
 *  (GLOBAL IN / GLOBAL JOIN) rather than each shard reading only its own part. */
export const CLUSTER_SETTINGS: Readonly<Record<string, string | number>> = {
  distributed_product_mode: 'global',
  // An insert into a Distributed table returns once every shard holds its rows.
  distributed_foreground_insert: 1,
};
