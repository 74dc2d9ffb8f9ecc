import type { Store } from '../data/store.ts';

/** The field that adds a todo on Enter; its text stays until the server has the todo. */
export function NewTodo({ store, text }: { store: Store; text: string }) {
  return (
    <form
      class="new-todo"
      onSubmit={(event) => {
        event.preventDefault();
        void store.add();
      }}
    >
      <label for="new-todo" class="visually-hidden">
        New todo
      </label>
      <input
        id="new-todo"
        type="text"
        placeholder="What needs doing?"
        autocomplete="off"
        maxLength={1000}
        value={text}
        onInput={(event) => store.setNewText(event.currentTarget.value)}
      />
      <button type="submit">Add</button>
    </form>
  );
}
