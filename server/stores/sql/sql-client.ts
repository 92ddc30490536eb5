/** The result of one statement: its rows, and how many rows it changed. */
export interface SqlResult<Row> {
  rows: Row[];
  changed: number;
}

/** Runs statements with `$1`-style parameters. */
export interface SqlQueries {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /** Runs a script of several statements, without parameters (a migration). */
  exec(script: string): Promise<void>;
}

/**
 * A PostgreSQL dialect database: PGlite (Postgres compiled to WebAssembly, in a directory) or a
 * PostgreSQL server, so the conversation store is written once for both.
 */
export interface SqlClient extends SqlQueries {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
