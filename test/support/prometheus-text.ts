/** Reads one metric's value from the Prometheus text (summing all its label sets when no labels are given). */
export function metric(text: string, name: string, labels = ''): number {
  const pattern = new RegExp(`^${name}${labels ? `\\{${labels}\\}` : '(\\{[^}]*\\})?'} ([0-9.e+-]+)$`, 'gm');
  return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[2] ?? match[1]), 0);
}
