/** Announcements kept in the region; older ones are removed so it never grows. */
const KEEP = 3;

/**
 * Speaks `text` through a polite live region by appending it as a new paragraph: screen readers
 * queue additions, where replacing the text could cut off an announcement still being read.
 */
export function announceIn(region: Element | null, text: string): void {
  if (!region) return;
  const line = document.createElement('p');
  line.textContent = text;
  region.append(line);
  while (region.childElementCount > KEEP) region.firstElementChild?.remove();
}
