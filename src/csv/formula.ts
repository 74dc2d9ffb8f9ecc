/**
 * Spreadsheets read a cell that starts with one of these as a formula (`'`
 * is here so that a text really starting with `'` survives the round trip).
 */
const FORMULA_START = /^[=+\-@']/;

/** A leading `'` before a formula character: what formulaSafe added. */
const ADDED_QUOTE = /^'(?=[=+\-@'])/;

/**
 * A cell as written to CSV: one `'` before a text that starts like a formula,
 * so a spreadsheet shows the text instead of running it (OWASP's advice
 * against CSV injection). Undone by withoutFormulaQuote.
 */
export const formulaSafe = (cell: string): string => (FORMULA_START.test(cell) ? `'${cell}` : cell);

/** A cell as read from CSV: one leading `'` before a formula character removed, so an export imports back as it was. */
export const withoutFormulaQuote = (cell: string): string => cell.replace(ADDED_QUOTE, '');
