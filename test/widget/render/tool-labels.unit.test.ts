import { describe, expect, it } from 'vitest';
import { BUILT_IN_STRINGS } from '../../../widget/render/strings.js';
import { TOOL_PHASE, toolLabel, toolTitle } from '../../../widget/render/tool-labels.js';

const { en, es } = BUILT_IN_STRINGS;

describe('tool row labels', () => {
  it.each([
    ['Search products', 'Searching products…', 'Searched products'],
    ['Get order status', 'Getting order status…', 'Got order status'],
    ['Echo Tool', 'Echoing Tool…', 'Echoed Tool'],
    ['Use coupon', 'Using coupon…', 'Used coupon'],
    ['Copy file', 'Copying file…', 'Copied file'],
    ['Stop timer', 'Stopping timer…', 'Stopped timer'],
    ['List tables', 'Listing tables…', 'Listed tables'],
    ['Tie knot', 'Tying knot…', 'Tied knot'],
    ['42 things', '42 things…', '42 things'],
  ])('inflects "%s" in English: "%s", then "%s"', (title, running, done) => {
    expect(toolLabel({ name: 'x', title }, TOOL_PHASE.running, en)).toBe(running);
    expect(toolLabel({ name: 'x', title }, TOOL_PHASE.done, en)).toBe(done);
  });

  it('names a failure with the title as it is', () => {
    expect(toolLabel({ name: 'get_order_status' }, TOOL_PHASE.failed, en)).toBe('Get order status failed');
  });

  it('uses the title as it is in a language whose strings do not ask for inflection', () => {
    expect(toolLabel({ name: 'x', title: 'Buscar productos' }, TOOL_PHASE.running, es)).toBe('Buscar productos…');
    expect(toolLabel({ name: 'x', title: 'Buscar productos' }, TOOL_PHASE.done, es)).toBe('Buscar productos: hecho');
  });

  it('spaces out a name when there is no title', () => {
    expect(toolTitle({ name: 'search_products' })).toBe('Search products');
    expect(toolTitle({ name: 'get-sum', title: '  ' })).toBe('Get sum');
  });
});
