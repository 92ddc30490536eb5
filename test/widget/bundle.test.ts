import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import type { NgxChat } from '../../widget/ngx-chat.js';
import { apiInfo, cleanup, lastReplyText, replyEnded, resetApi, waitFor } from './support/helpers.js';

// This file never imports the widget's source: it tests the built bundle as a site embeds it.

interface AssetCheck {
  status: number;
  contentType: string;
  contentEncoding: string;
  cacheControl: string;
  allowOrigin: string;
  vary: string;
  etag: string;
  bodyBytes: number;
  revalidationStatus: number;
  iifeStatus: number;
  iifeType: string;
  allowedCheck: { origin: string; allowed: boolean };
  refusedCheck: { origin: string; allowed: boolean };
}

describe('the built widget', () => {
  let api: string;

  before(async () => {
    ({ url: api } = await apiInfo());
  });
  beforeEach(resetApi);
  afterEach(cleanup);

  it('fits the 35 KB gzip -9 budget, and its on-demand highlighter 25 KB', async () => {
    const sizes = await executeServerCommand<{ gzipBytes: number; budgetBytes: number; chunkGzipBytes: number; chunkBudgetBytes: number }, undefined>('widget-bundle-size');
    expect(sizes.budgetBytes).to.equal(35 * 1024);
    expect(sizes.gzipBytes, `dist/widget/ngx-chat.js is ${sizes.gzipBytes} bytes gzipped`).to.be.at.most(sizes.budgetBytes);
    expect(sizes.chunkBudgetBytes).to.equal(25 * 1024);
    expect(sizes.chunkGzipBytes, `dist/widget/ngx-chat-highlight.js is ${sizes.chunkGzipBytes} bytes gzipped`).to.be.at.most(sizes.chunkBudgetBytes);
  });

  it('is served by the API with long caching, an ETag and CORS for any origin', async () => {
    const check = await executeServerCommand<AssetCheck, undefined>('widget-asset-check');
    expect(check.status).to.equal(200);
    expect(check.contentType).to.equal('text/javascript; charset=utf-8');
    expect(check.contentEncoding).to.equal('gzip');
    expect(check.cacheControl).to.match(/public, max-age=\d{5,}/);
    expect(check.allowOrigin).to.equal('*');
    expect(check.vary).to.match(/Accept-Encoding/i);
    expect(check.etag).to.match(/^"[\w-]+"$/);
    expect(check.bodyBytes).to.be.greaterThan(10_000);
    expect(check.revalidationStatus).to.equal(304);
    expect(check.iifeStatus).to.equal(200);
    expect(check.iifeType).to.equal('text/javascript; charset=utf-8');
    expect(check.allowedCheck).to.deep.equal({ origin: 'http://localhost:9999', allowed: true });
    expect(check.refusedCheck).to.deep.equal({ origin: 'https://evil.example', allowed: false });
  });

  it('loads from the API as a module on another origin and chats', async () => {
    await import(/* @vite-ignore */ `${api}/widget/ngx-chat.js`);
    await customElements.whenDefined('ngx-chat');
    const box = document.createElement('div');
    box.className = 'fixture-box';
    box.innerHTML = `<ngx-chat api-url="${api}" guest></ngx-chat>`;
    document.body.append(box);
    const element = box.querySelector('ngx-chat') as NgxChat;
    element.metadata = { text: 'Served by the API.' };
    await element.updateComplete;
    const ended = replyEnded(element);
    element.send('Hello from the bundle');
    expect((await ended).text).to.equal('Served by the API.');
    await waitFor(() => lastReplyText(element) === 'Served by the API.', 'the rendered reply');
  });
});
