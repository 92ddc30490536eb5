import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../server/config/config-table.js';

/** `npm run docs:config`: rewrites the README's configuration table from the variables' declarations. */
const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withConfigTable(before);
writeFileSync(path, after);
console.log(after === before ? 'README.md: the configuration table was up to date' : 'README.md: configuration table rewritten');
