import pg from 'pg';
import { StoreUnavailableError } from '../store-errors.js';
import type { SqlClient, SqlQueries } from './sql-client.js';

/** How long a statement waits for a pooled connection before the request fails with 503, in ms. */
const CONNECT_TIMEOUT_MS = 5000;

/** Whether `err` says the server is out of reach (not that a statement was wrong). */
function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (/^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code))) return true;
  return err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(err.message);
}

/** `err`, or a {@link StoreUnavailableError} when the server is out of reach. */
function storeError(err: unknown): unknown {
  return isUnreachable(err) ? new StoreUnavailableError({ cause: err, store: 'PostgreSQL (DATABASE_URL)' }) : err;
}

function queries(client: pg.Pool | pg.PoolClient): SqlQueries {
  return {
    async query(text, params) {
      try {
        const result = await client.query(text, params);
        return { rows: result.rows, changed: result.rowCount ?? 0 };
      } catch (err) {
        throw storeError(err);
      }
    },
    async exec(script) {
      try {
        await client.query(script);
      } catch (err) {
        throw storeError(err);
      }
    },
  };
}

/** A pool of connections to the PostgreSQL server at `url`. */
export function openPostgres(url: string, options: { maxConnections?: number; onError?: (err: unknown) => void } = {}): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection the server dropped: the pool replaces it; without a listener it would crash the process.
  pool.on('error', (err) => options.onError?.(err));
  return {
    ...queries(pool),
    async transaction(work) {
      const client = await pool.connect().catch((err: unknown) => {
        throw storeError(err);
      });
      try {
        await client.query('BEGIN');
        const result = await work(queries(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw storeError(err);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
