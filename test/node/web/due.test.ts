import { afterEach, describe, expect, it } from 'vitest';
import { dueFields, dueFrom } from '../../../web/src/data/due.ts';

describe('a due date between the API and the date and time fields (web/src/data/due.ts)', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = zone;
  });

  it('sends a date alone as YYYY-MM-DD, nothing without a date', () => {
    expect(dueFrom('2026-12-24', '')).toBe('2026-12-24');
    expect(dueFrom('', '18:00')).toBeNull();
  });

  it('sends a date and a time with this browser’s offset on that day', () => {
    process.env.TZ = 'Europe/Paris';
    expect(dueFrom('2026-12-24', '18:00')).toBe('2026-12-24T18:00:00+01:00');
    expect(dueFrom('2026-07-01', '09:30')).toBe('2026-07-01T09:30:00+02:00');
    process.env.TZ = 'America/St_Johns';
    expect(dueFrom('2026-12-24', '18:00')).toBe('2026-12-24T18:00:00-03:30');
  });

  it('shows a date as that date, and a date-time in this browser’s zone', () => {
    process.env.TZ = 'Asia/Tokyo';
    expect(dueFields('2026-12-24')).toEqual({ date: '2026-12-24', time: '' });
    expect(dueFields('2026-12-24T18:00:00Z')).toEqual({ date: '2026-12-25', time: '03:00' });
    expect(dueFields(null)).toEqual({ date: '', time: '' });
  });
});
