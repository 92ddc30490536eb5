import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Sizes the full-screen launcher panel to the visual viewport, which shrinks when the on-screen
 * keyboard opens while the layout viewport (and `100dvh`) may not, so the input stays in view.
 * Follows the viewport after each update while `active()` says so, and stops when the element
 * leaves the page. Sets custom properties through the CSSOM, which a strict CSP allows (a
 * `style` attribute in markup it would not).
 */
export class ViewportFitController implements ReactiveController {
  private following = false;

  /** @param active Whether the panel is full screen now (the launcher's panel, open). */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly active: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.follow(this.active());
  }

  hostDisconnected(): void {
    this.follow(false);
  }

  private follow(on: boolean): void {
    const viewport = window.visualViewport;
    if (!viewport || on === this.following) return;
    this.following = on;
    if (on) {
      viewport.addEventListener('resize', this.update);
      viewport.addEventListener('scroll', this.update);
      this.update();
    } else {
      viewport.removeEventListener('resize', this.update);
      viewport.removeEventListener('scroll', this.update);
      this.host.style.removeProperty('--_ngx-vv-height');
      this.host.style.removeProperty('--_ngx-vv-top');
    }
  }

  private readonly update = () => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    this.host.style.setProperty('--_ngx-vv-height', `${viewport.height}px`);
    this.host.style.setProperty('--_ngx-vv-top', `${viewport.offsetTop}px`);
  };
}
