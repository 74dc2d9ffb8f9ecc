import { useEffect, useRef } from 'preact/hooks';
import type { Store } from '../data/store.ts';
import { filtered, FilterBar } from './FilterBar.tsx';
import { NewTodo } from './NewTodo.tsx';
import { TodoItem } from './TodoItem.tsx';
import { useStore } from './use-store.ts';

/** When the signed-in list first shows (measured from navigation start: docs/web-app.md). */
export const FIRST_RENDER_MARK = 'todos-rendered';

/** The todos: the new todo's field, the filter, the list, and the undo of the last deletion. */
export function TodoScreen({ store }: { store: Store }) {
  const { items, loaded, screen, undo } = useStore(store);
  const marked = useRef(false);
  useEffect(() => {
    if (loaded && !marked.current) {
      marked.current = true;
      performance.mark(FIRST_RENDER_MARK);
    }
  }, [loaded]);
  const shown = filtered(items, screen.filter);
  return (
    <section class="todos" aria-labelledby="todos-title">
      <h2 id="todos-title">Tasks</h2>
      <NewTodo store={store} text={screen.newText} />
      <FilterBar store={store} filter={screen.filter} items={items} />
      {loaded && shown.length === 0 && (
        <p class="empty">
          {items.length === 0 ? 'Nothing to do yet. Add a todo above.' : `No ${screen.filter} todos.`}
        </p>
      )}
      <ul class="todo-list" aria-label="Todos" aria-busy={!loaded}>
        {shown.map((item) => (
          <TodoItem
            key={String(item.todo.id)}
            store={store}
            item={item}
            editing={screen.editing?.id === item.todo.id ? screen.editing.text : undefined}
          />
        ))}
      </ul>
      {undo && (
        <div class="toast" role="status">
          <span>Deleted “{undo.item.todo.text}”.</span>
          <button type="button" onClick={() => store.undo()}>
            Undo
          </button>
        </div>
      )}
    </section>
  );
}
