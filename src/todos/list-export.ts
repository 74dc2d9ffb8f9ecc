import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { lists, todos } from '../db/schema.ts';
import { EXPORT_PAGE_ROWS } from './export.ts';
import { todoJsonOf } from './queries.ts';
import type { Todo } from './schemas.ts';

/** A row of a list's export: the todo, and its top-level todo's position (its own, or its parent's), for the next page. */
export type ListExportRow = Todo & { topPosition: string };

/** A list's export page, and whether the list is one the caller can see (the first page tells a 404). */
export interface ListExportPage {
  found: boolean;
  rows: ListExportRow[];
}

const todoJson = todoJsonOf((name) => todos[name as keyof typeof todos.$inferSelect]);

/**
 * One page of a list's CSV export, after the row `after` when given: each
 * top-level todo followed by its subtasks, both by (position, id), as the list
 * shows them; up to EXPORT_PAGE_ROWS + 1 rows (the extra one tells that more
 * follow). A page reads the next EXPORT_PAGE_ROWS + 1 top-level todos from the
 * cursor's own on (one range of the list's position index) and their
 * subtasks, so it never sorts more of the list than those families.
 *
 * Each page is its own statement: a todo moved meanwhile may be missed or
 * written twice; one nobody moves is written once.
 */
export async function listExportPage(db: Drizzle, listId: string, after?: ListExportRow): Promise<ListExportPage> {
  const limit = EXPORT_PAGE_ROWS + 1;
  const topId = after && (after.parentId ?? after.id);
  const fromTop = after
    ? sql`and (${todos.position}, ${todos.id}) >= (${after.topPosition}::text collate "C", ${topId}::uuid)`
    : sql``;
  const afterRow = after
    ? sql`where (top_position, top_id, depth, position, id) > (${after.topPosition}::text collate "C", ${topId}::uuid, ${after.parentId === null ? 0 : 1}, ${after.position}::text collate "C", ${after.id}::uuid)`
    : sql``;
  const { rows } = await db.execute<{ found: boolean; top_position: string | null; todo: string | null }>(sql`
    with tops as (
      select ${todos.id} as id, ${todos.position} as position from ${todos}
      where ${todos.listId} = ${listId}::uuid and ${todos.parentId} is null ${fromTop}
      order by ${todos.position}, ${todos.id} limit ${limit}),
    family as (
      select tops.position as top_position, tops.id as top_id, 0 as depth, ${todos.position} as position, ${todos.id} as id, ${todoJson} as todo
        from tops join ${todos} on ${todos.id} = tops.id
      union all
      select tops.position, tops.id, 1, ${todos.position}, ${todos.id}, ${todoJson}
        from tops join ${todos} on ${todos.listId} = ${listId}::uuid and ${todos.parentId} = tops.id),
    page as (
      select * from family ${afterRow}
      order by top_position, top_id, depth, position, id limit ${limit})
    select (${listId}::uuid = app_default_list_id(current_setting('app.user_id', true))
              or exists (select from ${lists} where ${lists.id} = ${listId}::uuid)) as found,
      page.top_position, page.todo
    from (select) as one left join page on true
    order by page.top_position, page.top_id, page.depth, page.position, page.id`);
  return {
    found: rows[0]?.found ?? false,
    rows: rows.flatMap((row) =>
      row.todo === null ? [] : [{ ...(JSON.parse(row.todo) as Todo), topPosition: row.top_position! }],
    ),
  };
}
