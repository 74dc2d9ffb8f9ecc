/** web/, absolute. */
export declare const WEB_SOURCE: string;
/** public/app/, where the asset layer serves the built app; absolute. */
export declare const WEB_SERVED: string;
/** The budget of the app's JavaScript, gzipped, in bytes. */
export declare const WEB_JS_BUDGET_BYTES: number;
/** Builds the web app into `outDir` (public/app/ by default); throws when its JavaScript is over budget. */
export declare function buildWebApp(options?: { outDir?: string }): Promise<{ files: string[]; jsGzipBytes: number }>;
