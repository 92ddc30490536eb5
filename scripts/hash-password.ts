import { createInterface } from 'node:readline/promises';
import { hashPassword } from '../server/auth/password.js';

/** Prints an AUTH_USERS entry for a username and a password read from standard input. */
async function main(): Promise<void> {
  const username = process.argv[2];
  if (!username) {
    console.error('usage: npm run hash-password -- <username>   (the password is read from standard input)');
    process.exit(2);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('password: ');
  const password = (await rl[Symbol.asyncIterator]().next()).value as string | undefined;
  rl.close();
  if (!password) {
    console.error('no password given');
    process.exit(2);
  }
  console.log(JSON.stringify({ username, password_hash: await hashPassword(password) }));
}

await main();
