import { VARIABLES } from './variables.js';

/** The heading of the README section that holds the table. */
export const CONFIG_TABLE_HEADING = '## Configuration';

/** The README's configuration table, one row a variable, from their declarations. */
export function configTable(): string {
  const rows = Object.values(VARIABLES).map((variable) => `| \`${variable.name}\` | ${variable.defaultText} | ${variable.doc} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the table under {@link CONFIG_TABLE_HEADING} replaced by {@link configTable}. */
export function withConfigTable(readme: string): string {
  const section = readme.indexOf(`\n${CONFIG_TABLE_HEADING}\n`);
  if (section < 0) throw new Error(`README has no "${CONFIG_TABLE_HEADING}" section`);
  const start = readme.indexOf('\n| variable |', section);
  if (start < 0) throw new Error('the configuration section has no table');
  let end = readme.indexOf('\n\n', start + 1);
  if (end < 0) end = readme.length;
  return `${readme.slice(0, start + 1)}${configTable()}${readme.slice(end)}`;
}
