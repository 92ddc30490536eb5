/**
 * Sizes the full-screen launcher panel to the visual viewport, which shrinks when the on-screen
 * keyboard opens while the layout viewport (and `100dvh`) may not, so the input stays in view.
 * Sets custom properties through the CSSOM, which a strict CSP allows (a `style` attribute in
 * markup it would not).
 */
export class ViewportFit {
  private active = false;

  constructor(private readonly host: HTMLElement) {}

  /** Follows the visual viewport while `on`; clears the properties when off. */
  follow(on: boolean): void {
    const viewport = window.visualViewport;
    if (!viewport || on === this.active) return;
    this.active = on;
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
