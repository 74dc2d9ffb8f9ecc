import type { Todo } from 'edge-todo-client';
import { useEffect, useRef } from 'preact/hooks';
import { dueFields, dueFrom } from '../data/due.ts';
import type { Screen, Store } from '../data/store.ts';

interface Props {
  store: Store;
  todo: Todo;
  details: NonNullable<Screen['details']>;
}

/** A todo's details: its notes, its due date (a date, and a time if wanted), and a field that adds a subtask. */
export function TodoDetails({ store, todo, details }: Props) {
  const id = todo.id;
  const date = useRef<HTMLInputElement>(null);
  const time = useRef<HTMLInputElement>(null);
  const { date: dueDate, time: dueTime } = dueFields(todo.due);
  // The fields show the saved due date, except while the person is in one of them.
  useEffect(() => {
    for (const [field, value] of [
      [date.current, dueDate],
      [time.current, dueTime],
    ] as const)
      if (field && field !== document.activeElement) field.value = value;
  }, [dueDate, dueTime]);
  // Sent when a field is left or Enter pressed, not on every change: typing a year changes the value at each digit.
  const sendDue = () => {
    const due = dueFrom(date.current?.value ?? '', time.current?.value ?? '');
    if (due !== todo.due) void store.setDue(id, due);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      sendDue();
    }
  };
  return (
    <div class="details" id={`details-${id}`}>
      <label for={`notes-${id}`}>Notes</label>
      <textarea
        id={`notes-${id}`}
        rows={3}
        maxLength={8192}
        value={details.notes}
        onInput={(event) => store.setNotesText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void store.saveNotes();
        }}
      />
      <div class="field-row">
        <button type="button" onClick={() => void store.saveNotes()} disabled={details.notes === (todo.notes ?? '')}>
          Save notes
        </button>
      </div>
      <fieldset class="due-fields">
        <legend>Due</legend>
        <label>
          Date
          <input ref={date} type="date" defaultValue={dueDate} onBlur={sendDue} onKeyDown={onKeyDown} />
        </label>
        <label>
          Time (optional)
          <input ref={time} type="time" defaultValue={dueTime} onBlur={sendDue} onKeyDown={onKeyDown} />
        </label>
        {todo.due && (
          <button
            type="button"
            onClick={() => void store.setDue(id, null)}
            aria-label={`Clear the due date of ${todo.text}`}
          >
            Clear
          </button>
        )}
      </fieldset>
      {todo.parentId === null && (
        <form
          class="new-subtask"
          onSubmit={(event) => {
            event.preventDefault();
            void store.addSubtask();
          }}
        >
          <label for={`subtask-${id}`}>New subtask</label>
          <div class="field-row">
            <input
              id={`subtask-${id}`}
              type="text"
              autocomplete="off"
              maxLength={1000}
              value={details.subtask}
              onInput={(event) => store.setSubtaskText(event.currentTarget.value)}
            />
            <button type="submit">Add subtask</button>
          </div>
        </form>
      )}
    </div>
  );
}
