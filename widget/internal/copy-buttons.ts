import type { NgxChatStrings } from './strings.js';

/** How long a copy button says "Copied", in ms. */
const COPIED_MS = 1500;

/** The copy buttons of rendered code blocks, handled by one delegated click listener on the log. */
export class CopyButtons {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** Copies the code next to a clicked copy button, and says so on the button for a moment. */
  handleClick(event: MouseEvent, strings: NgxChatStrings): void {
    const button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    const code = button?.parentElement?.querySelector('code')?.textContent;
    if (!button || code === undefined || code === null) return;
    navigator.clipboard.writeText(code).then(
      () => {
        button.textContent = strings.copied;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          button.textContent = strings.copyCode;
        }, COPIED_MS);
        this.timers.add(timer);
      },
      // No clipboard permission (an insecure page, a denied prompt): the code stays selectable.
      () => undefined,
    );
  }

  /** Cancels pending label resets (the element left the page). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
