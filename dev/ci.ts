/**
 * Whether this run is CI's (CI sets CI=true): there a missing database
 * upstream or browser is a failure, never a skip.
 */
export const onCi = (): boolean => !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
