import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom, in px, still counts as "at the bottom". */
const BOTTOM_SLACK_PX = 32;

/**
 * Keeps the message list at its newest line while the reader is there, and offers "jump to
 * latest" (`showJump`) instead once they have scrolled up to read, so a streaming reply never
 * pulls the text away from under their eyes.
 */
export class ScrollController implements ReactiveController {
  /** True when new content arrived below the reader's position. */
  showJump = false;
  private atBottom = true;
  /** A smooth jump is under way: its intermediate positions are not the reader scrolling up. */
  private jumping = false;
  private log: HTMLElement | null = null;

  /** @param findLog Returns the scrolling element, once rendered. */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly findLog: () => HTMLElement | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const log = this.findLog();
    if (log !== this.log) {
      this.log?.removeEventListener('scroll', this.handleScroll);
      log?.addEventListener('scroll', this.handleScroll, { passive: true });
      this.log = log;
    }
    this.contentChanged();
  }

  hostDisconnected(): void {
    this.log?.removeEventListener('scroll', this.handleScroll);
    this.log = null;
  }

  /** Call after content was added: follows it, or shows the jump button. */
  contentChanged(): void {
    const log = this.log;
    if (!log) return;
    if (this.atBottom) {
      log.scrollTop = log.scrollHeight;
    } else if (!this.showJump && log.scrollHeight - log.clientHeight - log.scrollTop > BOTTOM_SLACK_PX) {
      this.showJump = true;
      this.host.requestUpdate();
    }
  }

  /** Scrolls to the newest message and follows it again. */
  jump(): void {
    this.atBottom = true;
    if (this.showJump) {
      this.showJump = false;
      this.host.requestUpdate();
    }
    const log = this.log;
    if (!log) return;
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.jumping = smooth;
    log.scrollTo({ top: log.scrollHeight, behavior: smooth ? 'smooth' : 'instant' });
  }

  private readonly handleScroll = () => {
    const log = this.log;
    if (!log) return;
    const atBottom = log.scrollHeight - log.clientHeight - log.scrollTop <= BOTTOM_SLACK_PX;
    if (this.jumping) {
      this.jumping = !atBottom;
      return;
    }
    if (atBottom === this.atBottom) return;
    this.atBottom = atBottom;
    if (atBottom && this.showJump) {
      this.showJump = false;
      this.host.requestUpdate();
    }
  };
}
