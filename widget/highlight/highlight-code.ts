// The widget's syntax highlighter: a chunk of its own (`ngx-chat-highlight.js`, built by
// vite.chunks.config.ts), which the widget imports from the API only once a reply has a code
// block with a language. lowlight runs highlight.js and answers a syntax tree, not HTML: every
// token becomes a span made here, its text a text node.
import type { ElementContent } from 'hast';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createLowlight } from 'lowlight';

/** The languages replies use most, within the chunk's 25 KiB budget (each adds about 1–3 KiB gzip). */
const lowlight = createLowlight({ bash, css, javascript, json, python, sql, typescript, xml, yaml });
lowlight.registerAlias({
  bash: ['sh', 'shell', 'zsh', 'console'],
  javascript: ['js', 'jsx', 'mjs', 'cjs'],
  json: ['jsonc'],
  python: ['py'],
  typescript: ['ts', 'tsx'],
  xml: ['html', 'svg', 'xhtml'],
  yaml: ['yml'],
});

/** highlight.js's class names only (`hljs-keyword`, `hljs-title function_`…). */
const TOKEN_CLASS = /^(?:hljs-[a-z_-]+|[a-z]+_)$/;

function toDom(node: ElementContent): Node {
  if (node.type === 'text') return document.createTextNode(node.value);
  if (node.type !== 'element') return document.createTextNode('');
  const span = document.createElement('span');
  const classes = node.properties.className;
  if (Array.isArray(classes)) span.className = classes.filter((name): name is string => typeof name === 'string' && TOKEN_CLASS.test(name)).join(' ');
  span.append(...node.children.map(toDom));
  return span;
}

/**
 * Highlights the text of `code` as `language`, in place. Returns false, leaving it as it is, for
 * a language this chunk does not know.
 */
export function highlightCode(code: HTMLElement, language: string): boolean {
  const name = language.toLowerCase();
  if (!lowlight.registered(name)) return false;
  const tree = lowlight.highlight(name, code.textContent ?? '');
  code.replaceChildren(...tree.children.map((node) => toDom(node as ElementContent)));
  code.classList.add('hljs');
  return true;
}
