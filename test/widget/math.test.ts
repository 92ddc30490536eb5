import { expect } from '@esm-bundle/chai';
import '../../widget/index.js';
import { apiInfo, cleanup, resetApi, scriptedReply, waitFor } from './support/helpers.js';

const MATHML = 'http://www.w3.org/1998/Math/MathML';
const chunkRequests = () => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/widget/ngx-chat-math.js')).length;


describe('ngx-chat math, typeset on demand', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  // First in this page: the chunk is not loaded yet.
  it('loads nothing for a reply without formulas, prices included', async () => {
    await scriptedReply(api, 'It costs $5, or $10 with a filter.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(chunkRequests()).to.equal(0);
  });

  it('renders $…$ inline and $$…$$ as a block, as MathML', async () => {
    const { md } = await scriptedReply(api, 'Euler: $e^{i\\pi} + 1 = 0$, and\n\n$$x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}$$\n\nDone.');
    await waitFor(() => md.querySelectorAll('math').length === 2, 'both formulas to be typeset');
    expect(chunkRequests()).to.equal(1);
    const [inline, block] = md.querySelectorAll('math');
    expect(inline.namespaceURI).to.equal(MATHML);
    expect(inline.closest('.math')?.localName).to.equal('span');
    expect(block.getAttribute('display')).to.equal('block');
    expect(block.closest('.math')?.classList.contains('block')).to.equal(true);
    expect(block.querySelector('mfrac msqrt')).to.not.equal(null);
    // The TeX stays as the formula's title, for copying by eye.
    expect(inline.closest<HTMLElement>('.math')?.title).to.equal('e^{i\\pi} + 1 = 0');
    expect(md.textContent).to.contain('Done.');
  });

  it('keeps the TeX of a formula that does not parse, and lets nothing but MathML through', async () => {
    const { md } = await scriptedReply(api, 'Broken $\\frac{a}{$ and linked $\\href{javascript:alert(1)}{x}$ and $a^2$');
    await waitFor(() => md.querySelectorAll('math').length === 1, 'the good formula to be typeset');
    // Untrusted TeX: a link command is refused like a syntax error, and both stay as TeX.
    expect([...md.querySelectorAll('.math:not(.rendered)')].map((formula) => formula.textContent)).to.deep.equal(['\\frac{a}{', '\\href{javascript:alert(1)}{x}']);
    for (const node of md.querySelectorAll('math, math *')) {
      expect(node.namespaceURI).to.equal(MATHML);
      expect([...node.attributes].map((attribute) => attribute.name)).to.not.include.members(['href', 'style', 'class', 'onclick']);
    }
    expect(md.querySelector('a')).to.equal(null);
  });
});
