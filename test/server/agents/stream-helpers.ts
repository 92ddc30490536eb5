import type { SseMessage } from '../../support/sse.js';

/** The `content` of each chunk event, in order, without the empty final one. */
export function chunkContents(events: SseMessage[]): string[] {
  return events
    .filter((event) => event.event === 'chunk')
    .map((event) => (JSON.parse(event.data) as { content: string; is_final: boolean }))
    .filter((chunk) => !chunk.is_final)
    .map((chunk) => chunk.content);
}

/** The offsets, in UTF-16 units, where one chunk ends and the next begins. */
export function chunkBoundaries(contents: string[]): number[] {
  const boundaries: number[] = [];
  let offset = 0;
  for (const content of contents.slice(0, -1)) {
    offset += content.length;
    boundaries.push(offset);
  }
  return boundaries;
}

/** Every grapheme cluster boundary of `text`, as UTF-16 offsets. */
export function graphemeBoundaries(text: string): Set<number> {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return new Set([...segmenter.segment(text)].map((segment) => segment.index).concat(text.length));
}

/** The chunk boundaries that fall inside a grapheme cluster of the whole text. */
export function splitClusters(contents: string[]): number[] {
  const valid = graphemeBoundaries(contents.join(''));
  return chunkBoundaries(contents).filter((offset) => !valid.has(offset));
}
