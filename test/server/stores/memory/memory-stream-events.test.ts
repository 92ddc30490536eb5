import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STREAM_EVENT, type StreamEventName } from '../../../../protocol/index.js';
import { StreamEvents } from '../../../../server/stores/memory/memory-stream-events.js';

const anEvent = fc.record({
  name: fc.constantFrom<StreamEventName>(...Object.values(STREAM_EVENT)),
  data: fc.string({ unit: 'binary' }),
});

function contents(events: StreamEvents): { name: StreamEventName; data: string }[] {
  return Array.from({ length: events.length }, (_, i) => ({ name: events.nameAt(i), data: events.dataAt(i) }));
}

describe('StreamEvents', () => {
  it('reads back every event alike before and after it is packed (property)', () => {
    fc.assert(
      fc.property(fc.array(anEvent, { maxLength: 40 }), (appended) => {
        const events = new StreamEvents();
        for (const [i, { name, data }] of appended.entries()) expect(events.push(name, data)).toBe(i + 1);
        expect(contents(events)).toEqual(appended);
        expect(events.finished).toBe(false);
        events.finish();
        expect(events.finished).toBe(true);
        expect(contents(events)).toEqual(appended);
      }),
    );
  });

  it('takes no event once finished', () => {
    const events = new StreamEvents();
    events.push(STREAM_EVENT.start, '{}');
    events.finish();
    events.finish();
    expect(() => events.push(STREAM_EVENT.chunk, '{}')).toThrow(/finished/);
    expect(contents(events)).toEqual([{ name: STREAM_EVENT.start, data: '{}' }]);
  });
});
