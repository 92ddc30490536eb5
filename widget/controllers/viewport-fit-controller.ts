import type { ReactiveController, ReactiveControllerHost } from 'lit';

const PROPERTIES = ['--_ngx-vv-top', '--_ngx-vv-left', '--_ngx-vv-width', '--_ngx-vv-height', '--_ngx-vv-bottom', '--_ngx-vv-end'];

/**
 * Keeps the launcher and its panel on the screen the reader sees — the visual viewport — while
 * `active()` says so (launcher mode). Fixed positions follow the layout viewport instead, which
 * is wider than the screen on a page without a mobile viewport meta, and does not shrink when
 * the on-screen keyboard opens: the full-screen panel takes the visual viewport's box, and the
 * launcher its bottom and inline-end gaps. Sets custom properties through the CSSOM, which a
 * strict CSP allows (a `style` attribute in markup it would not).
 */
export class ViewportFitController implements ReactiveController {
  private following = false;

  /**
   * @param active Whether to follow the visual viewport now.
   * @param fixedBox An element styled `position: fixed; inset: 0` (invisible): its box is the
   *   layout viewport fixed positions are relative to, whatever scrollbars take of it.
   */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly active: () => boolean,
    private readonly fixedBox: () => Element | null,
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
      window.addEventListener('resize', this.update);
      this.update();
    } else {
      viewport.removeEventListener('resize', this.update);
      viewport.removeEventListener('scroll', this.update);
      window.removeEventListener('resize', this.update);
      for (const property of PROPERTIES) this.host.style.removeProperty(property);
    }
  }

  private readonly update = () => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const { offsetLeft, offsetTop, width, height } = viewport;
    const box = this.fixedBox()?.getBoundingClientRect();
    if (!box) return;
    const right = Math.max(0, box.width - offsetLeft - width);
    const bottom = Math.max(0, box.height - offsetTop - height);
    const rtl = getComputedStyle(this.host).direction === 'rtl';
    const set = (property: string, px: number) => this.host.style.setProperty(property, `${px}px`);
    set('--_ngx-vv-top', offsetTop);
    set('--_ngx-vv-left', offsetLeft);
    set('--_ngx-vv-width', width);
    set('--_ngx-vv-height', height);
    set('--_ngx-vv-bottom', bottom);
    set('--_ngx-vv-end', rtl ? offsetLeft : right);
  };
}
