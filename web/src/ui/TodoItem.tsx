import { useEffect, useRef } from 'preact/hooks';
import { dueLabel } from '../data/due.ts';
import { subtasksOf, type Item, type Screen, type Store, type TodoId } from '../data/store.ts';
import { filtered } from './FilterBar.tsx';
import { TodoDetails } from './TodoDetails.tsx';
import { altArrow, dragReorder, keepingFocus } from './reorder.ts';

interface Props {
  store: Store;
  item: Item;
  /** All the shown list's todos (for this one's subtasks). */
  items: readonly Item[];
  screen: Screen;
  /** The ids of its siblings on screen, in order (Alt+↑/↓ moves past these). */
  siblings: readonly TodoId[];
}

/**
 * One todo: a drag handle, a checkbox, its text (with its due date), Details, Edit and Delete; under it,
 * its details when open, and its subtasks, indented. Editing replaces the text by a field (Enter saves,
 * Escape cancels). Alt+↑/↓ anywhere in the row moves it among its siblings. Text is rendered as text,
 * never as markup.
 */
export function TodoItem({ store, item, items, screen, siblings }: Props) {
  const { todo } = item;
  const id = todo.id;
  const editing = screen.editing?.id === id ? screen.editing.text : undefined;
  const open = screen.details?.id === id;
  const field = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    // Focus follows the editor: into the field when it opens, back to Edit when it closes.
    if (editing !== undefined && !wasEditing.current) field.current?.focus();
    if (editing === undefined && wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing !== undefined;
  }, [editing]);
  const group = todo.parentId ?? `list:${todo.listId}`;
  const { handle, target } = dragReorder(group, id, (from, to, side) => store.moveTodo(from, to, side));
  const subtasks = todo.parentId === null ? filtered(subtasksOf(items, id), screen.filter) : [];
  const allSubtasks = todo.parentId === null ? subtasksOf(items, id) : [];
  const subtaskIds = subtasks.map((sub) => sub.todo.id);

  const row =
    editing !== undefined ? (
      <div class="row editing">
        <form
          class="edit"
          onSubmit={(event) => {
            event.preventDefault();
            void store.saveEdit();
          }}
        >
          <label for={`edit-${id}`} class="visually-hidden">
            Edit todo
          </label>
          <input
            id={`edit-${id}`}
            ref={field}
            type="text"
            value={editing}
            maxLength={1000}
            onInput={(event) => store.setEditText(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') store.cancelEdit();
            }}
            aria-describedby={`saved-${id}`}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => store.cancelEdit()}>
            Cancel
          </button>
        </form>
        {/* What the server has now: after a conflict, the other change. */}
        <p class="saved-text" id={`saved-${id}`}>
          Saved: “{todo.text}”
        </p>
      </div>
    ) : (
      <div
        class="row"
        {...target}
        onKeyDown={(event) => {
          const step = altArrow(event);
          if (!step) return;
          event.preventDefault();
          event.stopPropagation();
          void keepingFocus(() => store.moveTodoBy(id, step, siblings));
        }}
      >
        <span class="handle" aria-hidden="true" title="Drag to reorder" {...handle}>
          ⠿
        </span>
        <input
          id={`done-${id}`}
          type="checkbox"
          checked={todo.done}
          aria-describedby="todos-hint"
          onChange={(event) => void store.setDone(id, event.currentTarget.checked)}
        />
        <div class="text-block">
          <label for={`done-${id}`} class="text" onDblClick={() => store.startEdit(id)}>
            {todo.text}
          </label>
          {(todo.due || todo.notes || allSubtasks.length > 0) && (
            <span class="meta">
              {todo.due && <span class="due">{dueLabel(todo.due)}</span>}
              {todo.notes && <span>Notes</span>}
              {allSubtasks.length > 0 && (
                <span>
                  {allSubtasks.filter((sub) => sub.todo.done).length}/{allSubtasks.length} subtasks
                </span>
              )}
            </span>
          )}
        </div>
        <div class="actions">
          <button
            type="button"
            id={`details-button-${id}`}
            aria-expanded={open}
            aria-controls={`details-${id}`}
            onClick={() => store.toggleDetails(id)}
            aria-label={`Details: ${todo.text}`}
          >
            Details
          </button>
          <button type="button" ref={editButton} onClick={() => store.startEdit(id)} aria-label={`Edit: ${todo.text}`}>
            Edit
          </button>
          <button
            type="button"
            class="danger"
            onClick={() => void store.remove(id)}
            aria-label={`Delete: ${todo.text}`}
          >
            Delete
          </button>
        </div>
      </div>
    );

  return (
    <li class={`todo${todo.done ? ' done' : ''}${editing !== undefined ? ' editing' : ''}`} data-todo-id={id}>
      {row}
      {open && screen.details && <TodoDetails store={store} todo={todo} details={screen.details} />}
      {subtasks.length > 0 && (
        <ul class="subtasks" aria-label={`Subtasks of ${todo.text}`}>
          {subtasks.map((sub) => (
            <TodoItem key={sub.todo.id} store={store} item={sub} items={items} screen={screen} siblings={subtaskIds} />
          ))}
        </ul>
      )}
    </li>
  );
}
