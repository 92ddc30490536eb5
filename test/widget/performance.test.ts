import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import { apiInfo, cleanup, fixture, replyEnded, resetApi, shadow } from './support/helpers.js';

const CHUNKS = 2000;
/** What the test agent's `pieces: 2000` script writes. */
const EXPECTED = Array.from({ length: CHUNKS }, (_, i) => `${i === 0 ? '' : ' '}w${i}${i % 20 === 19 ? '.' : ''}`).join('');

describe('ngx-chat under a fast stream', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  // How long the main thread is busy is the benchmark's to measure, not a test's: a loaded
  // machine misses any bound. This checks the work is batched, which only a browser shows.
  it('renders a 2,000-chunk reply in batches, far fewer DOM updates than chunks', async () => {
    const element = await fixture({ 'api-url': api, guest: '' }, (el) => {
      el.metadata = { pieces: CHUNKS };
    });
    let frames = 0;
    let renders = 0;
    const countFrames = () => {
      frames += 1;
      if (!ended) requestAnimationFrame(countFrames);
    };
    let ended = false;
    requestAnimationFrame(countFrames);
    const log = shadow(element).querySelector('[part="log"]');
    const mutations = new MutationObserver(() => {
      renders += 1;
    });
    if (log) mutations.observe(log, { subtree: true, childList: true, characterData: true });

    const done = replyEnded(element);
    element.send('Go as fast as you can');
    const event = await done;
    ended = true;
    mutations.disconnect();

    expect(event.text).to.equal(EXPECTED);
    expect(shadow(element).querySelector('[part~="message-assistant"] .md')?.textContent).to.equal(EXPECTED);
    // Batched per animation frame: far fewer DOM updates than chunks.
    expect(renders).to.be.lessThan(CHUNKS / 4, `${renders} mutation batches over ${frames} frames`);
  });
});
