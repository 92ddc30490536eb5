import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { FULL_SCREEN_QUERY } from '../ngx-chat.styles.js';

/** What can take focus by Tab inside the panel. */
const FOCUSABLE = 'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * While the launcher's panel is open and covers the whole screen (narrow viewports, the styles'
 * {@link FULL_SCREEN_QUERY}): keeps Tab and Shift+Tab inside
 * it, so focus never moves to the page hidden behind it (WCAG 2.4.11), and stops that page from
 * scrolling under it. The floating panel of wide screens leaves the page usable: nothing is
 * trapped there.
 */
export class FullScreenController implements ReactiveController {
  private locked = false;
  private savedOverflow = '';
  private readonly narrow = window.matchMedia(FULL_SCREEN_QUERY);
  private readonly rerender = () => this.host.requestUpdate();

  /**
   * @param open Whether the launcher's panel is open.
   * @param panel The panel element, inside the host's shadow root.
   */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly open: () => boolean,
    private readonly panel: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  /** True while the panel is open and fills the screen. */
  get active(): boolean {
    return this.open() && this.narrow.matches;
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.handleKeydown);
    this.narrow.addEventListener('change', this.rerender);
  }

  hostUpdated(): void {
    this.lock(this.active);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.handleKeydown);
    this.narrow.removeEventListener('change', this.rerender);
    this.lock(false);
  }

  private lock(on: boolean): void {
    if (on === this.locked) return;
    this.locked = on;
    const root = document.documentElement;
    if (on) {
      this.savedOverflow = root.style.overflow;
      root.style.overflow = 'hidden';
    } else {
      root.style.overflow = this.savedOverflow;
    }
  }

  private readonly handleKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || !this.locked) return;
    const panel = this.panel();
    if (!panel) return;
    const focusable = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const current = this.host.shadowRoot?.activeElement;
    const inside = current instanceof HTMLElement && panel.contains(current);
    if (event.shiftKey ? !inside || current === first : !inside || current === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  };
}
