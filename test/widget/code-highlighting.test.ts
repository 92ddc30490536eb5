import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import { apiInfo, cleanup, resetApi, scriptedReply, waitFor } from './support/helpers.js';

const chunkRequests = () => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/widget/ngx-chat-highlight.js')).length;


describe('ngx-chat code highlighting, loaded on demand', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  // First in this page: the chunk is not loaded yet.
  it('does not load the highlighter for a reply without a fenced code block with a language', async () => {
    await scriptedReply(api, 'Plain text, `inline code`, and a fence with no language:\n\n```\nls -la\n```\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(chunkRequests()).to.equal(0);
  });

  it('loads it once a reply has one, and colours the code with spans of text, labelled with its language', async () => {
    const source = 'const answer = 42; // "<img src=x onerror=alert(1)>"\nfunction hi() { return `hi`; }';
    const { md } = await scriptedReply(api, `Here:\n\n\`\`\`js\n${source}\n\`\`\`\n\nDone.`);
    const code = md.querySelector('pre code')!;
    await waitFor(() => code.classList.contains('hljs'), 'the code to be highlighted');
    expect(chunkRequests()).to.equal(1);
    expect(code.textContent?.trim()).to.equal(source);
    expect([...code.querySelectorAll('.hljs-keyword')].map((span) => span.textContent)).to.include.members(['const', 'function', 'return']);
    expect(code.querySelector('.hljs-comment')?.textContent).to.contain('<img src=x onerror=alert(1)>');
    expect(code.querySelector('img')).to.equal(null);
    expect(md.querySelector('.code-lang')?.textContent).to.equal('js');
    expect(md.querySelector('pre')?.getAttribute('aria-label')).to.equal('Code (js)');
    // The tokens are coloured apart from the rest of the code.
    const keyword = getComputedStyle(code.querySelector('.hljs-keyword')!).color;
    expect(keyword).to.not.equal(getComputedStyle(code).color);
  });

  it('leaves a language it does not know as plain text', async () => {
    const { md } = await scriptedReply(api, '```brainfuck\n++[>+<-]\n```\n');
    const code = md.querySelector('pre code')!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(code.classList.contains('hljs')).to.equal(false);
    expect(code.textContent?.trim()).to.equal('++[>+<-]');
    expect(md.querySelector('.code-lang')?.textContent).to.equal('brainfuck');
  });
});
