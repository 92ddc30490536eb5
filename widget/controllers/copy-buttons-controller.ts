import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { NgxChatStrings } from '../render/strings.js';

/** How long a copy button says "Copied", in ms. */
const COPIED_MS = 1500;

/**
 * The copy buttons of rendered code blocks, handled by one delegated click listener on the log
 * ({@link handleClick}); pending label resets are cancelled when the element leaves the page.
 */
export class CopyButtonsController implements ReactiveController {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** @param announce Speaks through the element's polite live region: a label change alone is not announced. */
  constructor(
    host: ReactiveControllerHost,
    private readonly strings: () => NgxChatStrings,
    private readonly announce: (text: string) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Copies the code next to a clicked copy button, and says so on the button for a moment. */
  handleClick(event: MouseEvent): void {
    const button = event.target instanceof Element ? event.target.closest<HTMLElement>('button.copy') : null;
    const code = button?.parentElement?.querySelector('code')?.textContent;
    if (!button || code === undefined || code === null) return;
    this.copy(code, () => {
      const strings = this.strings();
      button.textContent = strings.copied;
      return () => (button.textContent = strings.copyCode);
    });
  }

  /** Copies a whole reply's Markdown from its copy button (an icon: its name says "Copied" for a moment). */
  copyReply(text: string, button: HTMLElement): void {
    this.copy(text, () => {
      const strings = this.strings();
      button.setAttribute('aria-label', strings.copied);
      button.classList.add('done');
      return () => {
        button.setAttribute('aria-label', strings.copyReply);
        button.classList.remove('done');
      };
    });
  }

  /** Writes `text` to the clipboard; `show` marks the button copied and returns how to unmark it. */
  private copy(text: string, show: () => () => void): void {
    navigator.clipboard.writeText(text).then(
      () => {
        const restore = show();
        this.announce(this.strings().copied);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          restore();
        }, COPIED_MS);
        this.timers.add(timer);
      },
      // No clipboard permission (an insecure page, a denied prompt): the text stays selectable.
      () => undefined,
    );
  }
}
