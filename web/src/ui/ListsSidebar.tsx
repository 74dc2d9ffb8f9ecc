import { useEffect, useRef, useState } from 'preact/hooks';
import type { ListId, ListItem, Store } from '../data/store.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { altArrow, dragReorder, keepingFocus } from './reorder.ts';
import { useStore } from './use-store.ts';

/**
 * The lists: choose one to show, create (Enter), rename, delete (after a confirmation; never the default
 * list) and reorder (drag, or Alt+↑/↓ on a list).
 */
export function ListsSidebar({ store }: { store: Store }) {
  const { lists, screen, listsLoaded } = useStore(store);
  const [confirming, setConfirming] = useState<ListItem>();
  const ids = lists.map((item) => item.list.id);
  return (
    <nav class="lists" aria-labelledby="lists-title">
      <h2 id="lists-title">Lists</h2>
      <p id="lists-hint" class="visually-hidden">
        Alt+Up and Alt+Down move the focused list.
      </p>
      <ul aria-busy={!listsLoaded}>
        {lists.map((item) => (
          <ListRow
            key={item.list.id}
            store={store}
            item={item}
            ids={ids}
            selected={item.list.id === screen.listId}
            renaming={screen.renaming?.id === item.list.id ? screen.renaming.title : undefined}
            onDelete={() => setConfirming(item)}
          />
        ))}
      </ul>
      <form
        class="new-list"
        onSubmit={(event) => {
          event.preventDefault();
          void store.addList();
        }}
      >
        <label for="new-list">New list</label>
        <div class="field-row">
          <input
            id="new-list"
            type="text"
            autocomplete="off"
            maxLength={200}
            value={screen.newListTitle}
            onInput={(event) => store.setNewListTitle(event.currentTarget.value)}
          />
          <button type="submit">Create</button>
        </div>
      </form>
      {confirming && (
        <ConfirmDialog
          title={`Delete the list “${confirming.list.title}”?`}
          confirm="Delete list"
          onClose={(confirmed) => {
            setConfirming(undefined);
            // Its Delete button goes with the list: focus moves to the list shown then.
            if (confirmed)
              void store.removeList(confirming.list.id).then(() => {
                const shown = store.getState().screen.listId;
                if (shown) document.getElementById(`list-${shown}`)?.focus();
              });
          }}
        >
          All its todos are deleted with it. This cannot be undone.
        </ConfirmDialog>
      )}
    </nav>
  );
}

interface RowProps {
  store: Store;
  item: ListItem;
  ids: readonly ListId[];
  selected: boolean;
  renaming?: string;
  onDelete: () => void;
}

function ListRow({ store, item, ids, selected, renaming, onDelete }: RowProps) {
  const { list } = item;
  const { handle, target } = dragReorder('lists', list.id, (id, targetId, side) => store.moveList(id, targetId, side));
  const field = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasRenaming = useRef(false);
  useEffect(() => {
    if (renaming !== undefined && !wasRenaming.current) field.current?.focus();
    if (renaming === undefined && wasRenaming.current) renameButton.current?.focus();
    wasRenaming.current = renaming !== undefined;
  }, [renaming]);

  if (renaming !== undefined)
    return (
      <li class="list-row renaming">
        <form
          class="edit"
          onSubmit={(event) => {
            event.preventDefault();
            void store.saveRename();
          }}
        >
          <label for={`rename-${list.id}`} class="visually-hidden">
            List title
          </label>
          <input
            id={`rename-${list.id}`}
            ref={field}
            type="text"
            value={renaming}
            maxLength={200}
            onInput={(event) => store.setRenameText(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') store.cancelRename();
            }}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => store.cancelRename()}>
            Cancel
          </button>
        </form>
      </li>
    );

  return (
    <li
      class={selected ? 'list-row selected' : 'list-row'}
      data-list-id={list.id}
      {...target}
      onKeyDown={(event) => {
        const step = altArrow(event);
        const neighbour = step && ids[ids.indexOf(list.id) + step];
        if (!step) return;
        event.preventDefault();
        if (neighbour) void keepingFocus(() => store.moveList(list.id, neighbour, step < 0 ? 'before' : 'after'));
      }}
    >
      <span class="handle" aria-hidden="true" title="Drag to reorder" {...handle}>
        ⠿
      </span>
      <button
        type="button"
        id={`list-${list.id}`}
        class="list-name"
        aria-current={selected ? 'page' : undefined}
        aria-describedby="lists-hint"
        onClick={() => void store.selectList(list.id)}
      >
        {list.title}
      </button>
      <div class="actions">
        <button
          type="button"
          ref={renameButton}
          onClick={() => store.startRename(list.id)}
          aria-label={`Rename: ${list.title}`}
        >
          Rename
        </button>
        {!list.isDefault && (
          <button type="button" class="danger" onClick={onDelete} aria-label={`Delete: ${list.title}`}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
