import { useEffect, useRef } from 'preact/hooks';
import type { Item, Store } from '../data/store.ts';

interface Props {
  store: Store;
  item: Item;
  /** The text being typed when this todo is being edited. */
  editing?: string;
}

/**
 * One todo: a checkbox, its text, Edit and Delete. Editing replaces the text by a field (Enter saves,
 * Escape cancels). The text is rendered as text, never as markup. Later fields (notes, due date,
 * subtasks) and the reorder handle go in this row.
 */
export function TodoItem({ store, item, editing }: Props) {
  const { todo } = item;
  const id = String(todo.id);
  const field = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    // Focus follows the editor: into the field when it opens, back to Edit when it closes.
    if (editing !== undefined && !wasEditing.current) field.current?.focus();
    if (editing === undefined && wasEditing.current) editButton.current?.focus();
    wasEditing.current = editing !== undefined;
  }, [editing]);

  if (editing !== undefined)
    return (
      <li class="todo editing" data-todo-id={id}>
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
      </li>
    );

  return (
    <li class={todo.done ? 'todo done' : 'todo'} data-todo-id={id}>
      <input
        id={`done-${id}`}
        type="checkbox"
        checked={todo.done}
        onChange={(event) => void store.setDone(todo.id, event.currentTarget.checked)}
      />
      <label for={`done-${id}`} class="text" onDblClick={() => store.startEdit(todo.id)}>
        {todo.text}
      </label>
      <div class="actions">
        <button
          type="button"
          ref={editButton}
          onClick={() => store.startEdit(todo.id)}
          aria-label={`Edit: ${todo.text}`}
        >
          Edit
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => void store.remove(todo.id)}
          aria-label={`Delete: ${todo.text}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
