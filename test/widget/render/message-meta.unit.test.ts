import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../../widget/render/message-meta.js';

describe('relativeTime', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it.each([
    ['2026-12-03T11:59:40Z', 'en', 'now'],
    ['2026-12-03T11:55:00Z', 'en', '5 minutes ago'],
    ['2026-12-03T09:00:00Z', 'en', '3 hours ago'],
    ['2026-12-03T11:59:00Z', 'es', 'hace 1 minuto'],
    ['2026-11-20T08:00:00Z', 'en', 'Nov 20, 2026'],
    ['not a date', 'en', ''],
  ])('%s in %s is "%s"', (iso, locale, text) => {
    expect(relativeTime(iso, locale, now)).toBe(text);
  });
});
