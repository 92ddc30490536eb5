import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { hashPassword, isPasswordHash, verifyPassword } from './password.js';

/** One entry of an `AUTH_USERS` file. */
export interface UserRecord {
  username: string;
  password_hash: string;
}

/**
 * The users who may log in with a password. Checking a wrong username costs as much as a
 * wrong password, so the timing does not tell which half was wrong.
 */
export class UserStore {
  private readonly users: Map<string, string>;
  private readonly decoyHash: Promise<string>;

  constructor(records: UserRecord[]) {
    this.users = new Map(records.map((user) => [user.username, user.password_hash]));
    this.decoyHash = hashPassword('decoy-password-for-unknown-users');
  }

  /** Loads an `AUTH_USERS` JSON file: `[{"username": "...", "password_hash": "scrypt$..."}]`. */
  static fromFile(path: string): UserStore {
    let records: unknown;
    try {
      records = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`AUTH_USERS: cannot read ${path} as JSON (${(err as Error).message}).`);
    }
    if (!Array.isArray(records) || !records.every(isUserRecord)) {
      throw new ConfigError(
        `AUTH_USERS: ${path} must hold [{"username": "...", "password_hash": "scrypt$..."}]; make hashes with "npm run hash-password".`,
      );
    }
    return new UserStore(records);
  }

  /** The development user `test`/`test`, as in the seed's examples. */
  static async development(): Promise<UserStore> {
    return new UserStore([{ username: 'test', password_hash: await hashPassword('test') }]);
  }

  /** Returns the username when the credentials are right, otherwise undefined. */
  async authenticate(username: string, password: string): Promise<string | undefined> {
    const hash = this.users.get(username);
    const ok = await verifyPassword(password, hash ?? (await this.decoyHash));
    return ok && hash !== undefined ? username : undefined;
  }
}

function isUserRecord(value: unknown): value is UserRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { username, password_hash } = value as Record<string, unknown>;
  return typeof username === 'string' && username.length > 0 && typeof password_hash === 'string' && isPasswordHash(password_hash);
}
