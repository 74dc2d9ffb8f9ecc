/**
 * A todo's due date, as the client wrote it: a calendar date (`YYYY-MM-DD`,
 * which stays a date, not midnight anywhere) or an RFC 3339 date-time with
 * its offset (which keeps its instant, and its offset). Filters compare
 * instants: a date stands for the start of its day in UTC (the database's
 * app_due_instant, migration 0013; README of docs/api.md "Due dates").
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

const validDate = (year: number, month: number, day: number) =>
  year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);

export const DUE_DESCRIPTION =
  'A date (`YYYY-MM-DD`), or an RFC 3339 date-time with an offset (`2026-12-24T18:00:00+01:00`), kept as given (with `T` and `Z` in upper case).';

/** The stored form of `raw` (T and Z upper-cased), or undefined when it is neither a valid date nor a date-time. */
export function dueOf(raw: string): string | undefined {
  const value = raw.replace(/[tz]/g, (c) => c.toUpperCase());
  const date = DATE.exec(value);
  if (date) return validDate(+date[1]!, +date[2]!, +date[3]!) ? value : undefined;
  const at = DATE_TIME.exec(value);
  if (!at) return undefined;
  const [, year, month, day, hour, minute, second, , , offsetHour, offsetMinute] = at;
  const clock = +hour! <= 23 && +minute! <= 59 && +second! <= 59;
  // Postgres holds offsets up to ±15:59 (real ones are -12:00 to +14:00): past that it has no instant to filter by.
  const offset = offsetHour === undefined || (+offsetHour <= 15 && +offsetMinute! <= 59);
  return validDate(+year!, +month!, +day!) && clock && offset ? value : undefined;
}

export const DUE_PROBLEM = 'must be a date (YYYY-MM-DD) or an RFC 3339 date-time with an offset';
