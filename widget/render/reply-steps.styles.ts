import { css } from 'lit';

/** Styles of a reply's steps (tool rows, reasoning) and sources; colours come from `ngx-chat.styles.ts`. */
export const replyStepsStyles = css`
  .steps {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin-block-end: 6px;
  }
  .step {
    font-size: 0.9em;
    color: var(--_muted);
  }
  .step summary {
    display: flex;
    align-items: center;
    gap: 6px;
    min-height: 24px;
    cursor: pointer;
    border-radius: 4px;
    list-style: none;
  }
  .step summary::-webkit-details-marker {
    display: none;
  }
  /* A chevron after the label: the row opens. */
  .step summary::after {
    content: '';
    width: 0.35em;
    height: 0.35em;
    margin-inline-start: 2px;
    border-inline-end: 1.5px solid currentColor;
    border-block-end: 1.5px solid currentColor;
    transform: rotate(-45deg);
  }
  .step[open] > summary::after {
    transform: rotate(45deg);
  }
  .step summary:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .step-icon {
    display: inline-flex;
    justify-content: center;
    width: 1em;
  }
  .tool-step.done .step-icon {
    color: var(--_accent);
  }
  .tool-step.failed .step-icon,
  .tool-step.failed summary {
    color: var(--_error);
  }
  .spinner {
    width: 0.8em;
    height: 0.8em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: ngx-chat-spin 0.8s linear infinite;
  }
  @keyframes ngx-chat-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  .step-heading {
    margin-block: 6px 2px;
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_muted);
  }
  .step pre {
    overflow: auto;
    max-height: 12em;
    margin: 0;
    padding: 6px 8px;
    background: var(--_code-bg);
    color: var(--_text);
    border-radius: 6px;
    font-family: var(--ngx-chat-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: 0.85em;
    white-space: pre-wrap;
    direction: ltr;
    text-align: left;
  }
  .reasoning-text {
    padding-inline-start: 0.8em;
    border-inline-start: 3px solid var(--_border);
    white-space: pre-wrap;
  }
  .sources {
    margin-block-start: 8px;
    font-size: 0.9em;
  }
  .sources ol {
    margin: 2px 0 0;
    padding-inline-start: 1.4em;
  }
  .sources a {
    color: var(--_link);
  }
`;
