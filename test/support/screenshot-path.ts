import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by `npm run docs:screenshots`, the one command that may rewrite the README's pictures. */
const WRITE_DOCS = process.env.NGX_CHAT_SCREENSHOTS === 'docs';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Where a test saves the screenshot named `docsPath` (relative to the repository, such as
 * `docs/images/demo-shop.png`): there under `npm run docs:screenshots`, else in the system's
 * temporary folder, so `npm test` still takes every picture but leaves the tree as it was.
 */
export function screenshotPath(docsPath: string): string {
  return WRITE_DOCS ? join(ROOT, docsPath) : join(tmpdir(), 'ngx-chat-screenshots', docsPath);
}
