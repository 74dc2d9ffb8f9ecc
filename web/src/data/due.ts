/**
 * A todo's due date between the API's form and the date and time fields: `YYYY-MM-DD` stays a date
 * (no time, no zone), a date with a time becomes an RFC 3339 date-time with this browser's offset on
 * that day, and a date-time from the server is shown in this browser's time zone.
 */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const two = (n: number) => String(n).padStart(2, '0');

/** What to send for the fields' values: null without a date. */
export function dueFrom(date: string, time: string): string | null {
  if (!DATE_ONLY.test(date)) return null;
  if (!/^\d{2}:\d{2}/.test(time)) return date;
  const clock = time.slice(0, 5);
  // The offset of this zone at that local moment (it differs across daylight saving time).
  const minutes = -new Date(`${date}T${clock}`).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  return `${date}T${clock}:00${sign}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
}

/** The fields' values for a due date: its date, and its time here when it has one. */
export function dueFields(due: string | null): { date: string; time: string } {
  if (due === null) return { date: '', time: '' };
  if (DATE_ONLY.test(due)) return { date: due, time: '' };
  const at = new Date(due);
  if (Number.isNaN(at.getTime())) return { date: '', time: '' };
  return {
    date: `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`,
    time: `${two(at.getHours())}:${two(at.getMinutes())}`,
  };
}

/** A due date in words for the list: "Due 24 Dec 2026", "Due 24 Dec 2026, 18:00". */
export function dueLabel(due: string): string {
  if (DATE_ONLY.test(due)) {
    // The date at midnight UTC, shown in UTC: the same calendar day whatever the browser's zone.
    const date = new Date(`${due}T00:00:00Z`);
    return `Due ${date.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })}`;
  }
  const at = new Date(due);
  return `Due ${at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
}
