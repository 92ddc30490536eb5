import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the status line says now, and what kind of news it is. */
export interface StatusLine {
  /** Shown under the log; '' for none. */
  text: string;
  /** Changes only when the news does: a countdown's ticks keep the same kind. */
  kind: string;
  /** True while the text counts down (a rate limit's wait): redrawn every second. */
  ticking: boolean;
}

/**
 * The status line under the log ("Connecting…", "Too many requests, retrying in 4 s", offline):
 * announces each new kind of status once, politely (the line itself is hidden from screen
 * readers, or a countdown would be read out every second), and redraws a countdown every second.
 */
export class StatusLineController implements ReactiveController {
  private announced = '';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly line: () => StatusLine,
    private readonly announce: (text: string) => void,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const { text, kind, ticking } = this.line();
    if (kind !== this.announced) {
      this.announced = kind;
      if (text) this.announce(text);
    }
    if (ticking && !this.timer) this.timer = setInterval(() => this.host.requestUpdate(), 1000);
    if (!ticking) this.stopTicking();
  }

  hostDisconnected(): void {
    this.stopTicking();
    this.announced = '';
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
