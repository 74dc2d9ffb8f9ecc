import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { TEXT_MAX_LENGTH } from '../lib/text-rules.ts';
import { TITLE_MAX_LENGTH } from '../lists/fields.ts';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../todos/import-rows.ts';
import { readUsage } from './queries.ts';
import type * as routes from './routes.ts';
import type { Me } from './schemas.ts';

/** GET /me: one round trip (the caller's usage row); identity and limits come from the request and the settings. */
export const getMe: RouteHandler<typeof routes.getMe, AppEnv> = async (c) => {
  const { TODO_QUOTA, LIST_QUOTA, CHANGES_RETENTION_DAYS } = c.var.settings;
  const { todos, lists } = await c.var.db.query(readUsage, { idempotent: true });
  const me: Me = {
    owner: { kind: c.var.ownerKind, id: c.var.owner },
    usage: { todos, quota: TODO_QUOTA, lists, listQuota: LIST_QUOTA },
    limits: {
      todos: TODO_QUOTA,
      lists: LIST_QUOTA,
      keptDeletions: TODO_QUOTA,
      changesRetentionDays: CHANGES_RETENTION_DAYS,
      importRows: IMPORT_MAX_ROWS,
      importBytes: IMPORT_MAX_BYTES,
      textLength: TEXT_MAX_LENGTH,
      titleLength: TITLE_MAX_LENGTH,
    },
  };
  // The usage changes with every write: no cache keeps it.
  return c.json(me, 200, { 'Cache-Control': 'private, no-store' });
};
