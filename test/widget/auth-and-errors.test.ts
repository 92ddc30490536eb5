import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../widget/index.js';
import { BUILT_IN_STRINGS } from '../../widget/index.js';
import type { NgxChatErrorEvent } from '../../widget/events.js';
import { apiInfo, apiStats, cleanup, fixture, lastReplyText, login, replyEnded, resetApi, shadow, waitFor } from './support/helpers.js';

const en = BUILT_IN_STRINGS.en;
/** Well-formed, but not signed by the API. */
const BAD_TOKEN = 'bad.token.signature';

describe('ngx-chat auth and errors', () => {
  let api: string;
  let strictApi: string;

  before(async () => {
    ({ url: api, strictUrl: strictApi } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('uses the token attribute as is', async () => {
    const element = await fixture({ 'api-url': api, token: await login(api) }, (el) => {
      el.metadata = { text: 'Signed in.' };
    });
    const ended = replyEnded(element);
    element.send('Hello');
    expect((await ended).text).to.equal('Signed in.');
    expect((await apiStats()).guestTokens).to.equal(0);
  });

  it('gets a token from token-url', async () => {
    // The API's own guest endpoint answers {access_token} to a POST, like a site's token URL.
    const element = await fixture({ 'api-url': api, 'token-url': `${api}/auth/guest` }, (el) => {
      el.metadata = { text: 'Token from a URL.' };
    });
    const ended = replyEnded(element);
    element.send('Hello');
    expect((await ended).text).to.equal('Token from a URL.');
  });

  it('refreshes the token once after a 401, then succeeds', async () => {
    let calls = 0;
    const element = await fixture({ 'api-url': api }, (el) => {
      el.metadata = { text: 'Refreshed.' };
      el.getToken = async () => (++calls === 1 ? BAD_TOKEN : login(api));
    });
    const ended = replyEnded(element);
    element.send('Hello');
    expect((await ended).text).to.equal('Refreshed.');
    expect(calls).to.equal(2);
    expect((await apiStats()).unauthorized).to.equal(1);
  });

  it('refreshes the token when a 401 interrupts a reply, and resumes it exactly', async () => {
    const tokens: string[] = [];
    const text = Array.from({ length: 10 }, (_, i) => `Part ${i + 1} of the reply.`).join(' ');
    const element = await fixture({ 'api-url': api }, (el) => {
      el.metadata = { text, delay_ms: 25 };
      el.getToken = async () => {
        tokens.push(await login(api));
        return tokens[tokens.length - 1];
      };
    });
    const ended = replyEnded(element);
    element.send('Hello');
    await waitFor(() => lastReplyText(element).length > 20, 'the reply to begin');
    await executeServerCommand('api-reject-token', { token: tokens[0] });
    await executeServerCommand('api-cut-streams');

    expect((await ended).text).to.equal(text);
    expect(lastReplyText(element)).to.equal(text);
    expect(tokens).to.have.length(2);
    const stats = await apiStats();
    expect(stats.unauthorized).to.equal(1);
    expect(stats.sends).to.equal(1);
  });

  it('gives up with a clear message after a second 401', async () => {
    let calls = 0;
    const element = await fixture({ 'api-url': api }, (el) => {
      el.getToken = async () => {
        calls += 1;
        return BAD_TOKEN;
      };
    });
    const failed = nextFatalError(element);
    element.send('Hello');
    const error = await failed;
    expect(error.message).to.equal(en.authFailed);
    expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal(en.authFailed);
    // The fatal error is reported once the runner has given up: no attempt can follow it.
    expect(calls).to.equal(2);
    expect((await apiStats()).sends).to.equal(2);
    expect(element.status).to.equal('idle');
  });

  for (const [status, code, message] of [
    [400, 'invalid_body', en.badRequest],
    [403, 'forbidden', en.forbidden],
    [404, 'conversation_not_found', en.notFound],
    [413, 'message_too_long', en.tooLong],
    [415, 'unsupported_media_type', en.badRequest],
  ] as const) {
    it(`shows a ${status} and does not retry it`, async () => {
      await executeServerCommand('api-fail-next', { status, code, count: 5 });
      const element = await fixture({ 'api-url': api, guest: '' });
      const failed = nextFatalError(element);
      element.send('Hello');
      const error = await failed;
      expect(error.code).to.equal(code);
      expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal(message);
      // Reported once the runner has given up (test/widget/chat/reply-runner.unit.test.ts): one send, no retry.
      expect((await apiStats()).sends).to.equal(1);
    });
  }

  for (const [status, code, words] of [
    [429, 'quota_exceeded', "You have reached today's limit for this chat. You can write again after "],
    [503, 'budget_exhausted', 'This chat has reached its limit for today. Please come back after '],
  ] as const) {
    it(`shows a ${code} with the local time it resets, and does not retry it`, async () => {
      await executeServerCommand('api-fail-next', { status, code, count: 5, retryAfterS: 5400 });
      const element = await fixture({ 'api-url': api, guest: '' });
      const failed = nextFatalError(element);
      element.send('Hello');
      expect((await failed).code).to.equal(code);
      const note = shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent ?? '';
      expect(note.startsWith(words), note).to.equal(true);
      expect(note).to.match(/\d{1,2}:\d{2}( [AP]M)?\.$/);
      expect((await apiStats()).sends).to.equal(1);
    });
  }

  it('shows the real 413 of a message over the API limit', async () => {
    const element = await fixture({ 'api-url': api, guest: '' });
    const failed = nextFatalError(element);
    element.send('x'.repeat(2001));
    expect((await failed).code).to.equal('message_too_long');
    expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal(en.tooLong);
  });

  it('retries a 503 with backoff, honouring Retry-After, and then streams', async () => {
    await executeServerCommand('api-fail-next', { status: 503, code: 'unavailable', count: 2, retryAfterS: 1 });
    const errors: NgxChatErrorEvent[] = [];
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Back again.' };
      el.addEventListener('ngx-chat-error', (event) => errors.push(event));
    });
    const ended = replyEnded(element);
    const started = performance.now();
    element.send('Hello');
    expect((await ended).text).to.equal('Back again.');
    expect(performance.now() - started).to.be.greaterThan(2000, 'two waits of Retry-After: 1');
    expect((await apiStats()).sends).to.equal(3);
    expect(errors.map((event) => event.error.fatal)).to.deep.equal([false, false]);
  });

  it('says "too many requests, retrying in N s" on a 429, waits Retry-After, then streams', async () => {
    await executeServerCommand('api-fail-next', { status: 429, code: 'rate_limited', count: 1, retryAfterS: 2 });
    const errors: NgxChatErrorEvent[] = [];
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { text: 'Your turn now.' };
      el.addEventListener('ngx-chat-error', (event) => errors.push(event));
    });
    const ended = replyEnded(element);
    element.send('Hello');
    await waitFor(() => errors.length === 1, 'the rate-limit notice');
    expect(errors[0].error).to.include({ code: 'rate_limited', fatal: false });
    expect(errors[0].error.message).to.match(/^Too many requests, retrying in [12] s\.$/);
    await element.updateComplete;
    expect(shadow(element).querySelector('.status')?.textContent).to.match(/^Too many requests, retrying in [12] s\.$/);
    expect((await ended).text).to.equal('Your turn now.');
    expect((await apiStats()).sends).to.equal(2);
  });

  it('says the site is not allowed when the API refuses its origin', async () => {
    const element = await fixture({ 'api-url': strictApi, guest: '' });
    const failed = nextFatalError(element);
    element.send('Hello');
    const error = await failed;
    expect(error.code).to.equal('origin_not_allowed');
    expect(shadow(element).querySelector('[part~="message-assistant"] .note')?.textContent).to.equal(en.originNotAllowed);
  });

  it('says it is not set up without a way to get a token', async () => {
    const element = await fixture({ 'api-url': api });
    const failed = nextFatalError(element);
    element.send('Hello');
    expect((await failed).message).to.equal(en.notConfigured);
  });
});

/** The first fatal `ngx-chat-error` of `element`. */
function nextFatalError(element: HTMLElement): Promise<NgxChatErrorEvent['error']> {
  return new Promise((resolve) => {
    element.addEventListener('ngx-chat-error', function listener(event) {
      if (!event.error.fatal) return;
      element.removeEventListener('ngx-chat-error', listener);
      resolve(event.error);
    });
  });
}
