/**
 * A list's fields, each declared once (see src/lib/fields.ts): the table
 * (src/db/schema.ts), the JSON, the zod schemas and the SQL that writes a list
 * as JSON all come from here.
 */
import { z } from '@hono/zod-openapi';
import { boolean } from 'drizzle-orm/pg-core';
import { instant, instantField, textField, versionField } from '../lib/field-kinds.ts';
import { field } from '../lib/fields.ts';
import { resourceId } from '../lib/resource-id.ts';
import { positionField } from '../lib/position.ts';

/** What a list id is, in one place (see src/lib/resource-id.ts). */
export const LIST_ID = resourceId('list');

/** A list's id, as the JSON has it. */
export type ListId = z.output<ReturnType<typeof LIST_ID.schema>>;

export const TITLE_MAX_LENGTH = 200;

/** The title of a default list until it is renamed (the database's app_ensure_default_list, migration 0013). */
export const DEFAULT_LIST_TITLE = 'Tasks';

export const listFields = {
  id: field({ column: LIST_ID.key('id'), schema: LIST_ID.schema, example: LIST_ID.example }),
  title: textField('title', { max: TITLE_MAX_LENGTH, example: 'Groceries' }),
  // Without one, the database puts a new list at the end of the owner's lists.
  position: positionField("The order of the owner's lists"),
  version: versionField(),
  isDefault: field({
    // Set only by the database, for the one list whose id it derives from the owner (migration 0013).
    column: boolean('is_default').notNull().default(false),
    schema: () =>
      z.boolean().openapi({
        description:
          "The owner's default list: new todos go to it when they name none; it can be renamed, not deleted.",
      }),
    example: false,
  }),
  createdAt: instantField(instant('created_at').notNull().defaultNow()),
  updatedAt: instantField(instant('updated_at').notNull().defaultNow()),
};
