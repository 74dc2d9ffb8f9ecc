/** The @neondatabase/serverless version whose build dev/worker-driver.mjs edits. */
export declare const DRIVER_VERSION: string;
/** .build/neon-serverless.mjs, absolute: what wrangler.jsonc and vitest.config.ts alias the driver to. */
export declare const WORKER_DRIVER: string;
/** The Worker's build of the driver, from the text of the installed driver's index.mjs. */
export declare function workerDriver(source: string): string;
/** Writes the Worker's build of the installed driver to `to` (WORKER_DRIVER by default) unless it is already there; returns `to`. */
export declare function writeWorkerDriver(to?: string): string;
