// The MathML inserter: a chunk of its own (`ngx-chat-math.js`, built by vite.chunks.config.ts),
// imported from the API only once a reply has a formula. The API renders the TeX (POST /math,
// temml); what comes back is rebuilt here element by element from a fixed list of MathML
// elements and attributes — no classes, styles, links or event handlers reach the page.

const MATHML = 'http://www.w3.org/1998/Math/MathML';

/** The presentation elements temml writes. */
const ELEMENTS = new Set(
  'math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt mroot mover munder munderover mmultiscripts mprescripts none mtable mtr mtd mlabeledtr mstyle mpadded mphantom menclose merror'.split(' '),
);

/** Their layout attributes; values are kept as text, never as URLs or code. */
const ATTRIBUTES = new Set(
  'display displaystyle scriptlevel mathvariant stretchy fence separator form lspace rspace largeop movablelimits symmetric minsize maxsize accent accentunder linethickness width height depth voffset columnalign rowalign columnspacing rowspacing columnlines rowlines frame framespacing notation encoding rowspan columnspan dir'.split(' '),
);

/** A copy of `source` made of allowed MathML alone: other elements keep only their text. */
function rebuild(source: Node): Node | undefined {
  if (source.nodeType === Node.TEXT_NODE) return document.createTextNode(source.textContent ?? '');
  if (!(source instanceof Element)) return undefined;
  const name = source.localName;
  if (!ELEMENTS.has(name) || source.namespaceURI !== MATHML) return document.createTextNode(source.textContent ?? '');
  const copy = document.createElementNS(MATHML, name);
  for (const { name: attribute, value } of source.attributes) if (ATTRIBUTES.has(attribute)) copy.setAttribute(attribute, value);
  for (const child of source.childNodes) {
    const rebuilt = rebuild(child);
    if (rebuilt) copy.appendChild(rebuilt);
  }
  return copy;
}

/**
 * Replaces the TeX in `target` by the formula `markup` describes (one `<math>` element); the TeX
 * stays as its accessible description's fallback in `title`. False when `markup` holds no formula.
 */
export function insertMathML(target: HTMLElement, markup: string): boolean {
  const math = new DOMParser().parseFromString(markup, 'text/html').body.firstElementChild;
  if (math?.localName !== 'math' || math.namespaceURI !== MATHML) return false;
  const formula = rebuild(math);
  if (!formula) return false;
  target.title = target.textContent ?? '';
  target.replaceChildren(formula);
  target.classList.add('rendered');
  return true;
}
