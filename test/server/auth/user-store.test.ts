import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/auth/password.js';
import { UserStore } from '../../../server/auth/user-store.js';
import { ConfigError } from '../../../server/config.js';

/** Writes `content` to a fresh file and returns its path. */
function usersFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ngx-chat-users-')), 'users.json');
  writeFileSync(path, content);
  return path;
}

describe('an AUTH_USERS file', () => {
  it('logs in its users with their passwords, and nobody else', async () => {
    const store = UserStore.fromFile(usersFile(JSON.stringify([{ username: 'alice', password_hash: await hashPassword('s3cret') }])));
    expect(await store.authenticate('alice', 's3cret')).toBe('alice');
    expect(await store.authenticate('alice', 'wrong')).toBeUndefined();
    expect(await store.authenticate('bob', 's3cret')).toBeUndefined();
  });

  it.each([
    ['not JSON', '[{"username":', /cannot read .* as JSON/],
    ['an object instead of a list', '{"username":"alice"}', /must hold \[\{"username"/],
    ['an entry without a hash', '[{"username":"alice"}]', /make hashes with "npm run hash-password"/],
    ['a plain-text password', '[{"username":"alice","password_hash":"hunter2"}]', /must hold/],
    ['an empty username', '[{"username":"","password_hash":"scrypt$1$1$1$AA==$AA=="}]', /must hold/],
  ])('stops start-up on %s, saying what the file must hold', (_name, content, message) => {
    const path = usersFile(content);
    expect(() => UserStore.fromFile(path)).toThrow(ConfigError);
    expect(() => UserStore.fromFile(path)).toThrow(message);
  });
});
