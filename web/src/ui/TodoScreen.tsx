import { useEffect, useRef } from 'preact/hooks';
import { topLevel, type Store } from '../data/store.ts';
import { filtered, FilterBar } from './FilterBar.tsx';
import { NewTodo } from './NewTodo.tsx';
import { TodoItem } from './TodoItem.tsx';
import { useStore } from './use-store.ts';

/** When the signed-in list first shows (measured from navigation start: docs/web-app.md). */
export const FIRST_RENDER_MARK = 'todos-rendered';

/** The shown list's todos: the new todo's field, the filter, the todos (and their subtasks), and the undo of the last deletion. */
export function TodoScreen({ store }: { store: Store }) {
  const { items, lists, loaded, screen, undo } = useStore(store);
  const marked = useRef(false);
  useEffect(() => {
    if (loaded && !marked.current) {
      marked.current = true;
      performance.mark(FIRST_RENDER_MARK);
    }
  }, [loaded]);
  const list = lists.find((item) => item.list.id === screen.listId)?.list;
  const top = topLevel(items);
  const shown = filtered(top, screen.filter);
  const shownIds = shown.map((item) => item.todo.id);
  return (
    <section class="todos" aria-labelledby="todos-title">
      <h2 id="todos-title">{list?.title ?? 'Todos'}</h2>
      <NewTodo store={store} text={screen.newText} />
      <FilterBar store={store} filter={screen.filter} items={top} />
      {loaded && shown.length === 0 && (
        <p class="empty">{top.length === 0 ? 'Nothing to do yet. Add a todo above.' : `No ${screen.filter} todos.`}</p>
      )}
      <p id="todos-hint" class="visually-hidden">
        Alt+Up and Alt+Down move the focused todo.
      </p>
      <ul class="todo-list" aria-label="Todos" aria-busy={!loaded}>
        {shown.map((item) => (
          <TodoItem key={item.todo.id} store={store} item={item} items={items} screen={screen} siblings={shownIds} />
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
