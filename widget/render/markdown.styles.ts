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
  .md a {
    color: var(--_link);
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
`;
