/** Swagger UI's files that public/docs must hold. */
export declare const SWAGGER_UI_FILES: string[];
/** public/docs/, absolute. */
export declare const DOCS_DIR: string;
/** Copies Swagger UI's files into `to` (public/docs/ by default), replacing only what differs; returns the names it wrote. */
export declare function copySwaggerUi(to?: string): string[];
/** The committed openapi.json, absolute. */
export declare const OPENAPI_SOURCE: string;
/** public/openapi.json, where the asset layer serves it; absolute. */
export declare const OPENAPI_SERVED: string;
/** Copies the committed openapi.json to `to` (public/openapi.json by default) unless it is already there; true when it wrote. */
export declare function copyOpenApi(to?: string): boolean;
