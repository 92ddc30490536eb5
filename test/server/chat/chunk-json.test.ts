import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChunkData } from '../../../protocol/index.js';
import { chunkJson } from '../../../server/chat/chunk-json.js';

describe('chunkJson', () => {
  it('writes exactly what JSON.stringify writes for the chunk object (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat(), fc.boolean(), (content, index, isFinal) => {
        const data: ChunkData = { type: 'content', content, chunk_index: index, is_final: isFinal };
        expect(chunkJson(content, index, isFinal)).toBe(JSON.stringify(data));
      }),
    );
  });
});
