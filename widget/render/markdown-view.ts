import * as smd from 'streaming-markdown';
import { MarkdownInput } from './markdown-input.js';
import type { NgxChatStrings } from './strings.js';

/** Only web and mail links: `javascript:`, `data:`, `vbscript:` and relative URLs (which would resolve against the host page) never become links. */
const SAFE_URL = /^(?:https?:|mailto:)/i;

/** Token → element name; undefined tokens need special handling in {@link createFor}. */
const TAGS: Partial<Record<number, string>> = {
  [smd.BLOCKQUOTE]: 'blockquote',
  [smd.PARAGRAPH]: 'p',
  [smd.LINE_BREAK]: 'br',
  [smd.RULE]: 'hr',
  // Replies sit inside the host page's outline: their headings start below the page's own.
  [smd.HEADING_1]: 'h3',
  [smd.HEADING_2]: 'h4',
  [smd.HEADING_3]: 'h5',
  [smd.HEADING_4]: 'h6',
  [smd.HEADING_5]: 'h6',
  [smd.HEADING_6]: 'h6',
  [smd.ITALIC_AST]: 'em',
  [smd.ITALIC_UND]: 'em',
  [smd.STRONG_AST]: 'strong',
  [smd.STRONG_UND]: 'strong',
  [smd.STRIKE]: 's',
  [smd.CODE_INLINE]: 'code',
  [smd.LINK]: 'a',
  [smd.RAW_URL]: 'a',
  // Images from model output could track the reader; their alt text is shown instead.
  [smd.IMAGE]: 'span',
  [smd.LIST_UNORDERED]: 'ul',
  [smd.LIST_ORDERED]: 'ol',
  [smd.LIST_ITEM]: 'li',
  [smd.TABLE]: 'table',
  [smd.TABLE_CELL]: 'td',
  [smd.EQUATION_BLOCK]: 'div',
  [smd.EQUATION_INLINE]: 'span',
};

/** Tokens whose text is code: left as it is by {@link MarkdownInput}. */
const CODE = new Set<number>([smd.CODE_INLINE, smd.CODE_BLOCK, smd.CODE_FENCE, smd.EQUATION_BLOCK, smd.EQUATION_INLINE]);

/** A table's delimiter row (`| :--- | ---: |`): the parser drops its column alignments. */
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** The alignment class of each column of a delimiter row ('' for none). */
function alignments(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => {
      const spec = cell.trim();
      const left = spec.startsWith(':');
      const right = spec.endsWith(':');
      return left && right ? 'align-center' : right ? 'align-right' : left ? 'align-left' : '';
    });
}

/** Tokens after which the spoken text gets a line break, so sentences end at block ends. */
const BLOCKS = new Set<number>([smd.PARAGRAPH, smd.LIST_ITEM, smd.HEADING_1, smd.HEADING_2, smd.HEADING_3, smd.CODE_BLOCK, smd.CODE_FENCE, smd.BLOCKQUOTE, smd.TABLE_ROW]);

/**
 * One assistant reply rendered from streamed Markdown. Model output is never parsed as HTML: the
 * parser reports tokens, and this view creates each element itself, from the fixed {@link TAGS}
 * (and a code block's own), with text only as text nodes and the only attributes those
 * {@link attr} checks (a link's web or mail URL, a list's start, a checkbox's state). Nothing
 * else reaches the DOM, so there is nothing for a sanitiser to remove (test/widget/markdown.test.ts
 * holds it to that with hostile payloads).
 */
export class MarkdownView {
  /** The element holding the rendered reply. */
  readonly element: HTMLDivElement;
  /** The reply's words without Markdown syntax, for the live region. */
  plainText = '';
  private readonly nodes: Element[];
  private readonly types: number[] = [];
  private readonly parser: smd.Parser;
  private readonly input: MarkdownInput;
  /** The line being read, up to a delimiter row's plausible length. */
  private line = '';
  /** The open table's column alignments, once its delimiter row has passed. */
  private align: string[] | undefined;

  /** Each fenced code block's language, once its info string named one. */
  private readonly languages = new WeakMap<Element, string>();

  /**
   * @param strings The names of code blocks, their copy buttons and task checkboxes.
   * @param onCode Called with each fenced code block that names its language, once it is complete (to highlight it).
   * @param onMath Called with each formula (`$…$` inline, `$$…$$` a block), once it is complete (to typeset it).
   */
  constructor(
    private readonly strings: Pick<NgxChatStrings, 'copyCode' | 'code' | 'taskDone' | 'taskOpen'>,
    private readonly onCode: (code: HTMLElement, language: string) => void = () => undefined,
    private readonly onMath: (formula: HTMLElement, display: boolean) => void = () => undefined,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'md';
    // Each reply is laid out by its own first strong character: Arabic or Hebrew right to left.
    this.element.dir = 'auto';
    this.nodes = [this.element];
    this.parser = smd.parser({
      data: undefined,
      add_token: (_data: undefined, type: smd.Token) => this.open(type),
      end_token: () => this.close(),
      add_text: (_data: undefined, text: string) => this.text(text),
      set_attr: (_data: undefined, type: smd.Attr, value: string) => this.attr(type, value),
    });
    this.input = new MarkdownInput(
      (text) => this.read(text),
      () => CODE.has(this.parser.token),
    );
  }

  /** Renders the next piece of Markdown. */
  write(markdown: string): void {
    if (markdown === '') return;
    this.input.push(markdown);
  }

  /** Renders whatever the parser still holds back (an unterminated line, say). */
  end(): void {
    this.input.flush();
    smd.parser_end(this.parser);
  }

  /** Hands `text` to the parser, and notes a table's delimiter row once its line ends. */
  private read(text: string): void {
    smd.parser_write(this.parser, text);
    for (const char of text) {
      if (char !== '\n') {
        if (this.line.length < 200) this.line += char;
        continue;
      }
      if (DELIMITER_ROW.test(this.line) && this.types.includes(smd.TABLE)) this.alignTable(alignments(this.line));
      this.line = '';
    }
  }

  /** Aligns the open table's header cells, and the cells to come, as its delimiter row says. */
  private alignTable(align: string[]): void {
    this.align = align;
    const table = this.nodes.findLast((node) => node.localName === 'table');
    table?.querySelectorAll('th').forEach((cell, index) => {
      if (align[index]) cell.classList.add(align[index]);
    });
  }

  private open(type: smd.Token): void {
    if (type === smd.DOCUMENT) return;
    const parent = this.nodes[this.nodes.length - 1];
    this.nodes.push(this.createFor(type, parent));
    this.types.push(type);
  }

  private createFor(type: smd.Token, parent: Element): Element {
    if (type === smd.CODE_BLOCK || type === smd.CODE_FENCE) {
      const block = parent.appendChild(document.createElement('div'));
      block.className = 'code-block';
      const copy = block.appendChild(document.createElement('button'));
      copy.type = 'button';
      copy.className = 'copy';
      copy.textContent = this.strings.copyCode;
      const pre = block.appendChild(document.createElement('pre'));
      // A region of its own that scrolls sideways: reachable and scrollable by keyboard.
      pre.tabIndex = 0;
      pre.setAttribute('aria-label', this.strings.code);
      return pre.appendChild(document.createElement('code'));
    }
    if (type === smd.CHECKBOX) {
      const box = parent.appendChild(document.createElement('input'));
      box.type = 'checkbox';
      box.disabled = true;
      box.setAttribute('aria-label', this.strings.taskOpen);
      return box;
    }
    if (type === smd.TABLE_ROW) {
      const count = parent.childElementCount;
      const group = count === 0 ? parent.appendChild(document.createElement('thead')) : count === 1 ? parent.appendChild(document.createElement('tbody')) : parent.children[1];
      return group.appendChild(document.createElement('tr'));
    }
    const header = type === smd.TABLE_CELL && parent.parentElement?.tagName === 'THEAD';
    const element = parent.appendChild(document.createElement(header ? 'th' : (TAGS[type] ?? 'span')));
    if (type === smd.EQUATION_BLOCK || type === smd.EQUATION_INLINE) element.className = type === smd.EQUATION_BLOCK ? 'math block' : 'math';
    const align = type === smd.TABLE_CELL && !header ? this.align?.[parent.childElementCount - 1] : undefined;
    if (align) element.className = align;
    return element;
  }

  private close(): void {
    const type = this.types.pop();
    if (type === smd.TABLE) this.align = undefined;
    const node = this.nodes.length > 1 ? this.nodes.pop() : undefined;
    const language = node && this.languages.get(node);
    if (language && node instanceof HTMLElement) this.onCode(node, language);
    if ((type === smd.EQUATION_BLOCK || type === smd.EQUATION_INLINE) && node instanceof HTMLElement) this.onMath(node, type === smd.EQUATION_BLOCK);
    if (type !== undefined && BLOCKS.has(type)) this.plainText += '\n';
  }

  private text(text: string): void {
    const node = this.nodes[this.nodes.length - 1];
    // Appending to the last text node keeps a long reply at a few nodes per block.
    const last = node.lastChild;
    if (last instanceof Text) last.appendData(text);
    else node.appendChild(document.createTextNode(text));
    this.plainText += text;
  }

  private attr(type: smd.Attr, value: string): void {
    const node = this.nodes[this.nodes.length - 1];
    if (type === smd.HREF && node instanceof HTMLAnchorElement && SAFE_URL.test(value.trim())) {
      node.href = value.trim();
      // Links from model output open in a new browsing context that cannot reach back to the page.
      node.target = '_blank';
      node.rel = 'noopener noreferrer';
    }
    else if (type === smd.START && node instanceof HTMLOListElement && /^\d{1,9}$/.test(value)) node.start = Number(value);
    else if (type === smd.CHECKED && node instanceof HTMLInputElement) {
      node.checked = true;
      node.setAttribute('aria-label', this.strings.taskDone);
    } else if (type === smd.LANG && node.localName === 'code' && /^[\w+#.-]{1,30}$/.test(value)) {
      const pre = node.parentElement;
      pre?.setAttribute('aria-label', `${this.strings.code} (${value})`);
      // Seen on the block's top edge; the code region's name says it to a screen reader.
      const label = document.createElement('span');
      label.className = 'code-lang';
      label.setAttribute('aria-hidden', 'true');
      label.textContent = value;
      pre?.parentElement?.insertBefore(label, pre);
      this.languages.set(node, value);
    }
  }
}
