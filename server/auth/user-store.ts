import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { hashPassword, isPasswordHash, verifyPassword } from './password.js';

/** An `AUTH_USERS` file: `[{"username": "...", "password_hash": "scrypt$..."}]`. */
const USERS_FILE = z.array(z.object({ username: z.string().min(1), password_hash: z.string().refine(isPasswordHash) }));

/** One entry of an `AUTH_USERS` file. */
export type UserRecord = z.infer<typeof USERS_FILE>[number];

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
    const users = USERS_FILE.safeParse(records);
    if (!users.success) {
      throw new ConfigError(
        `AUTH_USERS: ${path} must hold [{"username": "...", "password_hash": "scrypt$..."}]; make hashes with "npm run hash-password".`,
      );
    }
    return new UserStore(users.data);
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
