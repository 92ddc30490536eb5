import { css } from 'lit';

/** Styles of rendered replies (the `.md` element of each assistant message); colours come from `ngx-chat.styles.ts`. */
export const markdownStyles = css`
  .md > :first-child {
    margin-block-start: 0;
  }
  .md > :last-child {
    margin-block-end: 0;
  }
  .md p,
  .md ul,
  .md ol,
  .md pre,
  .md blockquote,
  .md table {
    margin-block: 0.5em;
  }
  .md ul,
  .md ol {
    padding-inline-start: 1.4em;
  }
  .md a[href] {
    color: var(--_link);
  }
  /* A link whose URL was refused (javascript:, data:, relative) is plain text, not a dead link. */
  .md a:not([href]) {
    color: inherit;
    text-decoration: none;
  }
  /* Replies' headings start at h3 (the page has its own outline); sizes still step down to the
     body text, never below it. */
  .md h3,
  .md h4,
  .md h5,
  .md h6 {
    margin-block: 0.6em 0.3em;
    line-height: 1.3;
  }
  .md h3 {
    font-size: 1.25em;
  }
  .md h4 {
    font-size: 1.15em;
  }
  .md h5 {
    font-size: 1.05em;
  }
  .md h6 {
    font-size: 1em;
  }
  .md .align-left {
    text-align: start;
  }
  .md .align-center {
    text-align: center;
  }
  .md .align-right {
    text-align: end;
  }
  .md code {
    font-family: var(--ngx-chat-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.9em;
    background: var(--_code-bg);
    border-radius: 4px;
    padding: 0.1em 0.3em;
  }
  .md .code-block {
    position: relative;
  }
  .md pre {
    overflow-x: auto;
    max-width: 100%;
    padding: var(--_space);
    padding-block-start: calc(var(--_space) + 1.5em);
    background: var(--_code-bg);
    border-radius: calc(var(--_radius) / 2);
    direction: ltr;
    text-align: left;
  }
  .md pre code {
    padding: 0;
    background: none;
  }
  .md .copy {
    position: absolute;
    inset-block-start: 4px;
    inset-inline-end: 4px;
    padding: 2px 8px;
    font-size: 0.8em;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_text);
  }
  .md blockquote {
    margin-inline: 0;
    padding-inline-start: 0.8em;
    border-inline-start: 3px solid var(--_border);
  }
  .md table {
    border-collapse: collapse;
  }
  .md th,
  .md td {
    border: 1px solid var(--_border);
    padding: 2px 6px;
  }
  /* A fenced block's language, on its top edge (the copy button sits opposite). */
  .md .code-lang {
    position: absolute;
    inset-block-start: 6px;
    inset-inline-start: 10px;
    font-size: 0.75em;
    color: var(--_muted);
    direction: ltr;
  }
  /* Highlighted code (the on-demand highlighter adds highlight.js's classes). */
  .md .hljs-keyword,
  .md .hljs-selector-tag,
  .md .hljs-doctag,
  .md .hljs-meta .hljs-keyword,
  .md .hljs-template-tag {
    color: var(--_hl-keyword);
  }
  .md .hljs-string,
  .md .hljs-regexp,
  .md .hljs-meta .hljs-string {
    color: var(--_hl-string);
  }
  .md .hljs-comment,
  .md .hljs-quote,
  .md .hljs-meta {
    color: var(--_hl-comment);
    font-style: italic;
  }
  .md .hljs-number,
  .md .hljs-literal,
  .md .hljs-built_in,
  .md .hljs-variable,
  .md .hljs-symbol,
  .md .hljs-type {
    color: var(--_hl-number);
  }
  .md .hljs-title,
  .md .hljs-section,
  .md .hljs-name {
    color: var(--_hl-title);
  }
  .md .hljs-attr,
  .md .hljs-attribute,
  .md .hljs-property,
  .md .hljs-params,
  .md .hljs-selector-class,
  .md .hljs-selector-id {
    color: var(--_hl-attr);
  }
  /* Formulas: TeX in the code font until the MathML arrives, then typeset. */
  .md .math:not(.rendered) {
    font-family: var(--ngx-chat-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  }
  .md .math.block {
    display: block;
    margin: 0.5em 0;
    overflow-x: auto;
    text-align: center;
  }
  .md math {
    font-size: 1.1em;
  }
`;
