// Generated from openapi.json by openapi-typescript (dev/client-types.ts): do not edit.
// `npm run openapi` regenerates it with the document; `npm run client:generate` from the committed document.
export interface paths {
    "/todos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List todos, newest first or in a list's order; or export them as CSV
         * @description Without `listId` or `parentId`: every todo, newest first. With `listId`: the list's top-level todos in their manual order; with `parentId`: that todo's subtasks; with `listId` and `subtasks=true`: all the list's subtasks, grouped by parent. `done`, `dueBefore` and `dueAfter` filter each of them; a cursor belongs to its listing's order (docs/api.md, "Listing todos"). With `Accept: text/csv`, streams every matching todo (not `limit` or `cursor`): without `listId` or `parentId` oldest first, so that re-importing the file keeps their order; with `listId` alone, the whole list, each top-level todo followed by its subtasks, in the list's order (what an import into a list recreates); otherwise in the listing's order. A cell that starts with `=`, `+`, `-`, `@` or `'` is written behind one more `'`, so a spreadsheet shows it as text, not a formula; the import takes that `'` away.
         */
        get: operations["listTodos"];
        put?: never;
        /**
         * Create a todo
         * @description With `id`, the client chooses the id: the same id with the same values again answers the todo as it is now, with `Idempotent-Replayed: true`; with other values, another owner's id or a deleted todo's, 409. The todo goes into `listId` (absent: your default list; for a subtask, its parent's list) at the top of its siblings, unless `position` places it.
         */
        post: operations["createTodo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/todos/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import todos from CSV, all or nothing
         * @description A header row naming `text` and optionally `notes`, `done`, `due`, `id` and `parentId` (the export's `listId`, `position`, `completedAt`, `version`, `createdAt`, `updatedAt` columns are accepted and ignored), then one todo per row. Into `listId` (the caller's default list without it), at the end of the list in file order. `id` and `parentId` are labels within the file: a row whose `parentId` names another row's `id` becomes that row's subtask (subtasks in file order under their parent); a `parentId` naming no row of the file, a subtask, or its own row refuses the file (400, naming the row and line), and so do two rows with one `id`. The rows get new ids. RFC 4180 quoting, LF, CRLF or lone CR line ends, UTF-8 with an optional BOM; `done` is true/false, 1/0, yes/no in any case, empty for false. Every row obeys the rules of POST /todos; one bad row rejects the whole file. At most 10485760 bytes and 100000 rows, blank lines included, and at most 4194304 bytes of rows once encoded for the database (413 otherwise; npm run import sends a larger file in chunks). A text that starts with `'` followed by `=`, `+`, `-`, `@` or `'` loses that one `'`: the export writes it before formula-like texts, so an export imports back as it was. One import over 1048576 bytes (or of unstated length) at a time per server instance: another sent meanwhile is answered 503 with Retry-After before its body is read. Rows get ids in file order: made by the server (version 7), or counted up from `firstId`, which makes a repeat of the import safe at any time (its rows already in are counted as `replayed`).
         */
        post: operations["importTodos"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/todos/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What changed since a token: keep a local copy in sync
         * @description Without `since`, pages through every todo; then each call with the last `next` returns what changed since: todos as they are now, and deletions. It never misses a change: a change is handed out only once every transaction that started before it has ended, so a long transaction anywhere in the database delays changes, never loses them. Repeating a call with the same token is harmless. Deletions are kept for the retention (30 days by default): an older token is a 410, and the client starts again without `since`; so is a token issued before todo ids became UUIDs.
         */
        get: operations["listChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/todos/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one todo */
        get: operations["getTodo"];
        put?: never;
        post?: never;
        /** Delete a todo */
        delete: operations["deleteTodo"];
        options?: never;
        head?: never;
        /**
         * Change some of a todo's fields
         * @description Every PATCH adds 1 to `version`, even one that changes nothing. With If-Match, the change happens only at that version (412 otherwise). A new `listId` moves the todo with its subtasks (a subtask alone cannot leave its parent's list: 400); a `parentId` of another list moves the todo there; a todo that changes list or parent goes to the top of its new siblings unless `position` places it.
         */
        patch: operations["updateTodo"];
        trace?: never;
    };
    "/lists": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's lists, in their order
         * @description Ordered by `position` (byte-wise), ties broken by id; 100 a page unless `limit` says fewer. Every owner has one default list (`isDefault: true`, titled "Tasks" until renamed), whose id is derived from the owner; until a write needs it, it is shown with version 1 and the time of the read as its createdAt and updatedAt. A read writes nothing.
         */
        get: operations["listLists"];
        put?: never;
        /**
         * Create a list
         * @description With `after` or `before` (a list of the caller's, the default list included, or null), the server places the list next to it; with neither, nor `position`, the list goes at the end of the caller's lists. With `id`, the client chooses the id: the same id with the same values (wherever `after` or `before` asks it to go) again answers the list as it is now, with `Idempotent-Replayed: true`; with other values, another owner's id or a deleted list's, 409.
         */
        post: operations["createList"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/lists/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get one list
         * @description Every owner has one default list (`isDefault: true`, titled "Tasks" until renamed), whose id is derived from the owner; until a write needs it, it is shown with version 1 and the time of the read as its createdAt and updatedAt.
         */
        get: operations["getList"];
        put?: never;
        post?: never;
        /**
         * Delete a list and its todos
         * @description Its todos are deleted with it, each a deletion in the change feed, as the list is. The default list cannot be deleted (409).
         */
        delete: operations["deleteList"];
        options?: never;
        head?: never;
        /**
         * Rename or move a list
         * @description `after` or `before` moves the list next to another of the caller's (null: first, or last). Every PATCH adds 1 to `version`, even one that changes nothing. With If-Match, the change happens only at that version (412 otherwise). The default list can be renamed and moved like any other.
         */
        patch: operations["updateList"];
        trace?: never;
    };
    "/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What changed since a token, lists and todos: keep a local copy of everything in sync
         * @description Without `since`, pages through every list and todo; then each call with the last `next` returns what changed since: lists and todos as they are now, and deletions, each named by `kind`. Deleting a list deletes its todos: each arrives as a todo deletion, beside the list's. It never misses a change: a change is handed out only once every transaction that started before it has ended, so a long transaction anywhere in the database delays changes, never loses them. Repeating a call with the same token is harmless. Deletions are kept for the retention (30 days by default): an older token is a 410, and the client starts again without `since`. A token of GET /todos/changes is a 400 here (and one of this feed a 400 there).
         */
        get: operations["listAllChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the caller is, their usage and their limits
         * @description One read: how the caller was identified, how many todos they have against their quota, and the limits that apply to them. A client checks it before a large import rather than failing mid-way.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and a database ping (SELECT 1) */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Todo: {
            /**
             * Format: uuid
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            id: string;
            /**
             * Format: uuid
             * @description The todo's list.
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            listId: string;
            /**
             * Format: uuid
             * @description The parent todo of a subtask; null for a top-level todo.
             * @example null
             */
            parentId: string | null;
            /** @example Buy milk */
            text: string;
            /** @example null */
            notes: string | null;
            /** @example false */
            done: boolean;
            /**
             * @description A date (`YYYY-MM-DD`), or an RFC 3339 date-time with an offset (`2026-12-24T18:00:00+01:00`), kept as given (with `T` and `Z` in upper case).
             * @example null
             */
            due: string | null;
            /**
             * @description The manual order within its list (a subtask: within its parent): a `fractional-indexing` key, compared byte-wise, ties broken by id.
             * @example a0
             */
            position: string;
            /**
             * Format: date-time
             * @example 2026-11-25T10:00:00.000000Z
             */
            completedAt: string | null;
            /**
             * @description 1 at creation, +1 on every PATCH; the ETag is made of the id and this.
             * @example 1
             */
            version: number;
            /**
             * Format: date-time
             * @example 2026-11-25T10:00:00.000000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T10:00:00.000000Z
             */
            updatedAt: string;
        };
        Problem: {
            /** @example about:blank */
            type: string;
            /** @example Bad Request */
            title: string;
            /** @example 400 */
            status: number;
            /** @example The request is invalid: see errors. */
            detail: string;
            /** @description The request id, to quote when reporting a problem. */
            instance?: string;
            /** @description For validation problems: one entry per invalid field, at most 20. */
            errors?: {
                /** @example text */
                path: string;
                /** @example must not be empty or only whitespace */
                message: string;
            }[];
            /**
             * @description How many problems were found beyond those `errors` lists.
             * @example 3
             */
            moreErrors?: number;
        };
        QuotaExceeded: components["schemas"]["Problem"] & {
            /**
             * @description The most todos the caller may have.
             * @example 100000
             */
            quota: number;
            /**
             * @description Todos the caller has (the write changed nothing).
             * @example 99990
             */
            todos: number;
            /**
             * @description Todos the refused write would have added.
             * @example 25
             */
            adding: number;
        };
        /**
         * @example {
         *       "listId": "0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f",
         *       "parentId": null,
         *       "text": "Buy milk",
         *       "notes": null,
         *       "done": false,
         *       "due": null,
         *       "position": "a0"
         *     }
         */
        NewTodo: {
            /**
             * Format: uuid
             * @description Place the todo just after this sibling (the server computes `position`); null: first. Not with `position`, nor with `before`.
             */
            after?: string | null;
            /**
             * Format: uuid
             * @description Place the todo just before this sibling (the server computes `position`); null: last. Not with `position`, nor with `after`.
             */
            before?: string | null;
            /**
             * Format: uuid
             * @description The new todo's id, chosen by the client (so it can refer to the todo before the server has seen it, and retry the create safely): a version 4 or 7 UUID in canonical lowercase form. Without it, the server makes a version 7 UUID.
             */
            id?: string;
            /**
             * Format: uuid
             * @description One of the caller's lists; on create, the default list when absent.
             */
            listId?: string;
            /**
             * Format: uuid
             * @description A top-level todo of the same list, or null: subtasks are one level deep.
             * @default null
             */
            parentId?: string | null;
            /**
             * @description Trimmed; 1 to 1000 characters (code points); no NUL.
             * @example Buy milk
             */
            text: string;
            /**
             * @description Free text, at most 8192 characters; or null.
             * @default null
             */
            notes?: string | null;
            /**
             * @default false
             * @example false
             */
            done?: boolean;
            /**
             * @description A date (`YYYY-MM-DD`), or an RFC 3339 date-time with an offset (`2026-12-24T18:00:00+01:00`), kept as given (with `T` and `Z` in upper case). Or null.
             * @default null
             * @example 2026-12-24
             */
            due?: string | null;
            /** @description The manual order within its list (a subtask: within its parent): a key the client computed between its neighbours (e.g. with `fractional-indexing`); absent, the server places it. */
            position?: string;
        };
        ImportResult: {
            /**
             * @description Rows inserted (all or nothing: those not inserted are replayed).
             * @example 2
             */
            inserted: number;
            /**
             * @description Rows already in, with the id `firstId` gives them and the same values: an earlier import of them, not inserted again.
             * @example 0
             */
            replayed: number;
        };
        ImportProblem: components["schemas"]["Problem"] & {
            /** @description The first invalid rows (or the header/grammar problem): at most 100, fewer when more would pass the 16 KiB a problem may take. */
            rows?: {
                /**
                 * @description The CSV line on which the row starts (the header is line 1).
                 * @example 3
                 */
                line: number;
                /**
                 * @description The data row's number (1 = first after the header; 0 = the header or the CSV grammar).
                 * @example 2
                 */
                row: number;
                errors: {
                    /** @example text */
                    path: string;
                    /** @example must not be empty or only whitespace */
                    message: string;
                }[];
            }[];
            /** @description How many rows are invalid in all. */
            invalidRows?: number;
        };
        TodoList: {
            items: components["schemas"]["Todo"][];
            /** @description Pass as ?cursor= for the next page; null on the last page. */
            nextCursor: string | null;
        };
        Changes: {
            /** @description In the order they happened (by transaction): each changed todo as it is now, or a deletion. A todo appears once per page, at its latest change. */
            changes: (components["schemas"]["Todo"] | components["schemas"]["DeletedTodo"])[];
            /** @description Pass as ?since= for what changed after this page. */
            next: string;
            /** @description True: more changes are waiting; ask again at once with `next`. */
            more: boolean;
        };
        DeletedTodo: {
            /**
             * Format: uuid
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            id: string;
            /** @enum {boolean} */
            deleted: true;
            /**
             * @description The todo's last version + 1.
             * @example 4
             */
            version: number;
        };
        PreconditionFailed: components["schemas"]["Problem"] & {
            /**
             * @description The item's version now (its ETag is also in the ETag header).
             * @example 3
             */
            currentVersion: number;
        };
        TodoPatch: {
            /**
             * Format: uuid
             * @description Place the todo just after this sibling (the server computes `position`); null: first. Not with `position`, nor with `before`.
             */
            after?: string | null;
            /**
             * Format: uuid
             * @description Place the todo just before this sibling (the server computes `position`); null: last. Not with `position`, nor with `after`.
             */
            before?: string | null;
            /**
             * Format: uuid
             * @description One of the caller's lists; on create, the default list when absent.
             */
            listId?: string;
            /**
             * Format: uuid
             * @description A top-level todo of the same list, or null: subtasks are one level deep.
             */
            parentId?: string | null;
            /**
             * @description Trimmed; 1 to 1000 characters (code points); no NUL.
             * @example Buy milk
             */
            text?: string;
            /** @description Free text, at most 8192 characters; or null. */
            notes?: string | null;
            /** @example false */
            done?: boolean;
            /**
             * @description A date (`YYYY-MM-DD`), or an RFC 3339 date-time with an offset (`2026-12-24T18:00:00+01:00`), kept as given (with `T` and `Z` in upper case). Or null.
             * @example 2026-12-24
             */
            due?: string | null;
            /** @description The manual order within its list (a subtask: within its parent): a key the client computed between its neighbours (e.g. with `fractional-indexing`); absent, the server places it. */
            position?: string;
        };
        List: {
            /**
             * Format: uuid
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            id: string;
            /** @example Groceries */
            title: string;
            /**
             * @description The order of the owner's lists: a `fractional-indexing` key, compared byte-wise, ties broken by id.
             * @example a0
             */
            position: string;
            /**
             * @description 1 at creation, +1 on every PATCH; the ETag is made of the id and this.
             * @example 1
             */
            version: number;
            /**
             * @description The owner's default list: new todos go to it when they name none; it can be renamed, not deleted.
             * @example false
             */
            isDefault: boolean;
            /**
             * Format: date-time
             * @example 2026-11-25T10:00:00.000000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-11-25T10:00:00.000000Z
             */
            updatedAt: string;
        };
        ListQuotaExceeded: components["schemas"]["Problem"] & {
            /**
             * @description The most lists the caller may have.
             * @example 1000
             */
            quota: number;
            /**
             * @description Lists the caller has (the write changed nothing).
             * @example 1000
             */
            lists: number;
            /**
             * @description Lists the refused write would have added.
             * @example 1
             */
            adding: number;
        };
        /**
         * @example {
         *       "title": "Groceries",
         *       "position": "a0"
         *     }
         */
        NewList: {
            /**
             * Format: uuid
             * @description Place the list just after this sibling (the server computes `position`); null: first. Not with `position`, nor with `before`.
             */
            after?: string | null;
            /**
             * Format: uuid
             * @description Place the list just before this sibling (the server computes `position`); null: last. Not with `position`, nor with `after`.
             */
            before?: string | null;
            /**
             * Format: uuid
             * @description The new list's id, chosen by the client (so it can refer to the list, and put todos in it, before the server has seen it, and retry the create safely): a version 4 or 7 UUID in canonical lowercase form. Without it, the server makes a version 7 UUID.
             */
            id?: string;
            /**
             * @description Trimmed; 1 to 200 characters (code points); no NUL.
             * @example Groceries
             */
            title: string;
            /** @description The order of the owner's lists: a key the client computed between its neighbours (e.g. with `fractional-indexing`); absent, the server places it. */
            position?: string;
        };
        ListPage: {
            items: components["schemas"]["List"][];
            /** @description Pass as ?cursor= for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ListPatch: {
            /**
             * Format: uuid
             * @description Place the list just after this sibling (the server computes `position`); null: first. Not with `position`, nor with `before`.
             */
            after?: string | null;
            /**
             * Format: uuid
             * @description Place the list just before this sibling (the server computes `position`); null: last. Not with `position`, nor with `after`.
             */
            before?: string | null;
            /**
             * @description Trimmed; 1 to 200 characters (code points); no NUL.
             * @example Groceries
             */
            title?: string;
            /** @description The order of the owner's lists: a key the client computed between its neighbours (e.g. with `fractional-indexing`); absent, the server places it. */
            position?: string;
        };
        AllChanges: {
            /** @description In the order they happened (by transaction; within one, lists before todos): each changed list or todo as it is now, or a deletion. Each appears once per page, at its latest change. */
            changes: components["schemas"]["Change"][];
            /** @description Pass as ?since= for what changed after this page (to GET /changes only). */
            next: string;
            /** @description True: more changes are waiting; ask again at once with `next`. */
            more: boolean;
        };
        /** @description One change, named by `kind` ("list" or "todo"): the thing as it is now, or `{kind, id, deleted: true, version}` for a deletion. */
        Change: components["schemas"]["ListChange"] | components["schemas"]["TodoChange"] | components["schemas"]["DeletedListChange"] | components["schemas"]["DeletedTodoChange"];
        ListChange: {
            /**
             * @description A list, as it is now.
             * @enum {string}
             */
            kind: "list";
        } & components["schemas"]["List"];
        TodoChange: {
            /**
             * @description A todo, as it is now.
             * @enum {string}
             */
            kind: "todo";
        } & components["schemas"]["Todo"];
        DeletedListChange: {
            /**
             * @description A deleted list.
             * @enum {string}
             */
            kind: "list";
            /**
             * Format: uuid
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            id: string;
            /** @enum {boolean} */
            deleted: true;
            /**
             * @description The list's last version + 1.
             * @example 4
             */
            version: number;
        };
        DeletedTodoChange: {
            /**
             * @description A deleted todo.
             * @enum {string}
             */
            kind: "todo";
            /**
             * Format: uuid
             * @example 0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f
             */
            id: string;
            /** @enum {boolean} */
            deleted: true;
            /**
             * @description The todo's last version + 1.
             * @example 4
             */
            version: number;
        };
        Me: {
            owner: components["schemas"]["Owner"];
            usage: components["schemas"]["Usage"];
            limits: components["schemas"]["Limits"];
        };
        Owner: {
            /**
             * @description How the caller was identified.
             * @example jwt
             * @enum {string}
             */
            kind: "jwt" | "token" | "anonymous";
            /**
             * @description The owner every row of the caller belongs to: `jwt:<sub>`, `token:<name>`, `default` (a bare static token) or `anonymous`.
             * @example jwt:alice
             */
            id: string;
        };
        Usage: {
            /**
             * @description Todos the caller has now.
             * @example 1200
             */
            todos: number;
            /**
             * @description The most todos the caller may have.
             * @example 100000
             */
            quota: number;
            /**
             * @description Lists the caller has now, the default list included (even before a write has made it).
             * @example 3
             */
            lists: number;
            /**
             * @description The most lists the caller may have.
             * @example 1000
             */
            listQuota: number;
        };
        Limits: {
            /**
             * @description The quota of todos: a create or import past it is a 409 (QuotaExceeded) and writes nothing.
             * @example 100000
             */
            todos: number;
            /**
             * @description The quota of lists, the default list included: a create past it is a 409 (ListQuotaExceeded) and writes nothing.
             * @example 1000
             */
            lists: number;
            /**
             * @description Deletions the change feed keeps for the caller: past it, the oldest are forgotten before the retention ends (a `since` before them is then a 410).
             * @example 100000
             */
            keptDeletions: number;
            /**
             * @description Days the change feed keeps a deletion, at most.
             * @example 30
             */
            changesRetentionDays: number;
            /**
             * @description Rows one POST /todos/import may carry.
             * @example 100000
             */
            importRows: number;
            /**
             * @description Bytes one POST /todos/import may carry.
             * @example 10485760
             */
            importBytes: number;
            /**
             * @description Characters a todo's text may have.
             * @example 1000
             */
            textLength: number;
            /**
             * @description Characters a list's title may have.
             * @example 200
             */
            titleLength: number;
        };
        Health: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            database: "ok";
            /** @example 3 */
            databaseMs: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listTodos: {
        parameters: {
            query?: {
                /** @description Only this list's top-level todos, in their manual order (`position`, then `id`); its subtasks come with `parentId` or `subtasks=true`. A list the caller cannot see gives an empty page. */
                listId?: string;
                /** @description Only this todo's subtasks, in their manual order (with `listId`: only if the todo is in that list). */
                parentId?: string;
                /** @description With `listId`: every subtask of the list, grouped by parent (`parentId`, then `position`, `id`) instead of its top-level todos. */
                subtasks?: "true" | "false";
                /** @description Only todos with this done flag (true or false). */
                done?: "true" | "false";
                /** @description Only todos due strictly before this instant: a date (`YYYY-MM-DD`, the start of that day in UTC) or an RFC 3339 date-time with an offset. Todos without `due` never match. */
                dueBefore?: string;
                /** @description Only todos due at or after this instant (a date: the start of that day in UTC). With `dueBefore`, a half-open window: `dueAfter=D&dueBefore=D+1` is exactly the day D in UTC. */
                dueAfter?: string;
                limit?: number;
                /** @description The nextCursor of the previous page, of the same listing (another listing's order is a 400). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of todos; or, for `Accept: text/csv`, all of them. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TodoList"];
                    "text/csv": string;
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `listId` names no list of the caller's (`errors` names `listId`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description None of the media types in Accept can be served. */
            406: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTodo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same body returns the original 201 and changes nothing (for 24 h); with another body, 422. A UUID is a good key. A create that gives its own `id` is safe to retry without one, at any time (docs/api.md, "Ids"). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewTodo"];
            };
        };
        responses: {
            /** @description Created (or, for a repeated Idempotency-Key or a repeated create of the same `id`, the todo with `Idempotent-Replayed: true`). */
            201: {
                headers: {
                    /** @description The new todo's URL. */
                    Location?: string;
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    /** @description Present and `true` when this is a replay. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Todo"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `listId` names none of your lists (a missing list and another owner's are answered alike). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The write would take the caller past their quota of todos (GET /me shows it): nothing was written. `quota`, `todos` and `adding` say by how much. Or an id the request gives is taken: by another todo, by a deleted one (ids are never reused), or by one first created with other values; nothing was written, and the answer is the same whoever took it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than allowed. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not in the media type this operation takes (see Accept-Post). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used with a different request body. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    importTodos: {
        parameters: {
            query?: {
                /** @description The first row's id, chosen by the client (version 4 or 7, canonical form): row k (0 for the first) gets this id plus k in its last 32 bits, which must not overflow. A row whose id is already the caller's, with the same values, counts as replayed; any other taken id refuses the whole import (409). Without it, the server makes version 7 ids that increase in file order. */
                firstId?: string;
                /** @description The list the rows go to, at its end in file order; without it, the caller's default list. */
                listId?: string;
            };
            header?: {
                /** @description Makes retries safe: the same key with the same body returns the original 201 and changes nothing (for 24 h); with another body, 422. A UUID is a good key. A create that gives its own `id` is safe to retry without one, at any time (docs/api.md, "Ids"). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/csv": string;
            };
        };
        responses: {
            /** @description Every row was inserted. */
            201: {
                headers: {
                    /** @description Present and `true` when this is a replay. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportResult"];
                };
            };
            /** @description Invalid rows (the first 100, in `rows`), a bad header or broken CSV; nothing was inserted. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ImportProblem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `listId` names no list of the caller's (`errors` names `listId`). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The write would take the caller past their quota of todos (GET /me shows it): nothing was written. `quota`, `todos` and `adding` say by how much. Or an id the request gives is taken: by another todo, by a deleted one (ids are never reused), or by one first created with other values; nothing was written, and the answer is the same whoever took it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["QuotaExceeded"] | components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than allowed. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not in the media type this operation takes (see Accept-Post). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used with a different request body. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listChanges: {
        parameters: {
            query?: {
                /** @description The `next` of the previous answer of this feed. Without it the feed starts from the beginning: paging to `more: false` gives every current todo. */
                since?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of changes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Changes"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Deletions after the `since` token may have been forgotten (the token is older than their retention, or the owner has deleted more than the deletions kept for them, as many as the todo quota): start again without `since`. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTodo: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag of a copy the client holds: 304 without a body while the todo is still at that version. */
                "if-none-match"?: string;
            };
            path: {
                /** @description The todo's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The todo. */
            200: {
                headers: {
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Todo"];
                };
            };
            /** @description The copy named by If-None-Match is current: no body. */
            304: {
                headers: {
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No todo with this id (an id that is not a UUID in canonical lowercase form names none). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTodo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: it happens only if the todo is still at this ETag (`*`: any version); otherwise 412 and nothing changes. A missing todo is still a 404. */
                "if-match"?: string;
            };
            path: {
                /** @description The todo's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No todo with this id (an id that is not a UUID in canonical lowercase form names none). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named another version: nothing changed. The body has `currentVersion`, the ETag header the current tag. */
            412: {
                headers: {
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PreconditionFailed"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTodo: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: it happens only if the todo is still at this ETag (`*`: any version); otherwise 412 and nothing changes. A missing todo is still a 404. */
                "if-match"?: string;
            };
            path: {
                /** @description The todo's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TodoPatch"];
            };
        };
        responses: {
            /** @description The updated todo. */
            200: {
                headers: {
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Todo"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No todo with this id (an id that is not a UUID in canonical lowercase form names none). Or `listId` names none of your lists (a missing list and another owner's are answered alike). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named another version: nothing changed. The body has `currentVersion`, the ETag header the current tag. */
            412: {
                headers: {
                    /** @description Strong entity tag of this version of the todo (`"<id>-<version>"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PreconditionFailed"];
                };
            };
            /** @description The body is larger than allowed. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not in the media type this operation takes (see Accept-Post). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listLists: {
        parameters: {
            query?: {
                limit?: number;
                /** @description The nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of lists. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPage"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createList: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes retries safe: the same key with the same body returns the original 201 and changes nothing (for 24 h); with another body, 422. A UUID is a good key. A create that gives its own `id` is safe to retry without one, at any time (docs/api.md, "Ids"). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewList"];
            };
        };
        responses: {
            /** @description Created (or, for a repeated Idempotency-Key or a repeated create of the same `id`, the list with `Idempotent-Replayed: true`). */
            201: {
                headers: {
                    /** @description The new list's URL. */
                    Location?: string;
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    /** @description Present and `true` when this is a replay. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["List"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The write would take the caller past their quota of lists (GET /me shows it): nothing was written. `quota`, `lists` and `adding` say by how much. Or the `id` is taken: by another list, by a deleted one (ids are never reused), or by one first created with other values; nothing was written, and the answer is the same whoever took it. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["ListQuotaExceeded"] | components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than allowed. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not in the media type this operation takes (see Accept-Post). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used with a different request body. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getList: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag of a copy the client holds: 304 without a body while the list is still at that version. */
                "if-none-match"?: string;
            };
            path: {
                /** @description The list's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The list. */
            200: {
                headers: {
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["List"];
                };
            };
            /** @description The copy named by If-None-Match is current: no body. */
            304: {
                headers: {
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No list of the caller's with this id (an id that is not a UUID in canonical lowercase form names none). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteList: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: it happens only if the list is still at this ETag (`*`: any version); otherwise 412 and nothing changes. A missing list is still a 404. */
                "if-match"?: string;
            };
            path: {
                /** @description The list's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with its todos. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No list of the caller's with this id (an id that is not a UUID in canonical lowercase form names none). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request conflicts with existing data. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named another version: nothing changed. The body has `currentVersion`, the ETag header the current tag. */
            412: {
                headers: {
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PreconditionFailed"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateList: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the change conditional: it happens only if the list is still at this ETag (`*`: any version); otherwise 412 and nothing changes. A missing list is still a 404. */
                "if-match"?: string;
            };
            path: {
                /** @description The list's id (a UUID in canonical lowercase form; anything else is a 404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ListPatch"];
            };
        };
        responses: {
            /** @description The updated list. */
            200: {
                headers: {
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    /** @description Always `private, no-cache`: reuse it only after revalidating (If-None-Match). */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["List"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No list of the caller's with this id (an id that is not a UUID in canonical lowercase form names none). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match named another version: nothing changed. The body has `currentVersion`, the ETag header the current tag. */
            412: {
                headers: {
                    /** @description Strong entity tag of this version of the list (`"<id>-<version>"`). */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["PreconditionFailed"];
                };
            };
            /** @description The body is larger than allowed. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not in the media type this operation takes (see Accept-Post). */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAllChanges: {
        parameters: {
            query?: {
                /** @description The `next` of the previous answer of this feed. Without it the feed starts from the beginning: paging to `more: false` gives every current list and todo. */
                since?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of changes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AllChanges"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Deletions after the `since` token may have been forgotten (the token is older than their retention, or the owner has deleted more todos than the deletions kept for them, as many as the todo quota): start again without `since`. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller, their usage and limits. */
            200: {
                headers: {
                    /** @description Always `private, no-store`. */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description The request is invalid (validation problem with `errors`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials; see WWW-Authenticate. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Worker and the database answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Too many requests from this client or account; see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
