/** Swagger UI's files that public/docs must hold. */
export declare const SWAGGER_UI_FILES: string[];
/** public/docs/, absolute. */
export declare const DOCS_DIR: string;
/** Copies Swagger UI's files into `to` (public/docs/ by default), replacing only what differs; returns the names it wrote. */
export declare function copySwaggerUi(to?: string): string[];
