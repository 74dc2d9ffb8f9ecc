import { ApiError, createTodoClient, type List, type NewTodo, type Todo } from 'edge-todo-client';
import { describeError, inSeconds, isNetworkFailure } from './errors.ts';
import { byPosition, placementBetween, type Placement } from './order.ts';

export type TodoId = Todo['id'];
export type ListId = List['id'];

/** What the status line says: what the app is doing, or what stopped it. */
export interface Status {
  kind: 'loading' | 'syncing' | 'saved' | 'offline' | 'conflict' | 'error' | 'signed-out';
  text: string;
}

/** A todo as the server last sent it, with the entity tag that a change must name (If-Match). */
export interface Item {
  todo: Todo;
  etag: string;
}

/** A list as the server last sent it, with its entity tag. */
export interface ListItem {
  list: List;
  etag: string;
}

/** A deletion that can still be undone: it is sent when its time runs out (or the page is left). */
export interface PendingDeletion {
  item: Item;
  /** Its subtasks, which the server deletes with it. */
  subtasks: Item[];
}

export type Filter = 'all' | 'active' | 'done';

/** What the person has on screen and has not saved: kept across a sign-in (sessionStorage), so nothing typed is lost. */
export interface Screen {
  filter: Filter;
  /** The list shown (undefined until the lists are read: then the default list). */
  listId?: ListId;
  /** The text of the todo being written. */
  newText: string;
  /** The title of the list being written. */
  newListTitle: string;
  /** The todo being edited, and its text as typed. */
  editing?: { id: TodoId; text: string };
  /** The list being renamed, and its title as typed. */
  renaming?: { id: ListId; title: string };
  /** The todo whose details are open: its notes and the new subtask's text, as typed. */
  details?: { id: TodoId; notes: string; subtask: string };
}

export interface State {
  /** The todos of the shown list have been read (or failed to be). */
  loaded: boolean;
  listsLoaded: boolean;
  screen: Screen;
  /** The owner's lists, in their order (byPosition). */
  lists: readonly ListItem[];
  /** The shown list's todos, top-level and subtasks (grouped and ordered by topLevel and subtasksOf). */
  items: readonly Item[];
  status: Status;
  undo?: PendingDeletion;
  /** The API refused the token and no renewal helped: the person must sign in again. */
  signedOut: boolean;
}

/** What a change came to: saved; refused because someone else changed it (the latest is shown now); or failed. */
export type Outcome = 'saved' | 'conflict' | 'failed';

export interface StoreOptions {
  /** The API's origin ('' for this one). */
  baseUrl: string;
  /** The access token for the next request. */
  token: () => Promise<string | undefined>;
  /** Called after a 401: true when a new token was had (the request is then repeated once). */
  renew: () => Promise<boolean>;
  /** The list to show first (from the address), unless the screen kept before a sign-in names one. */
  listId?: ListId;
  /** How long a deletion can be undone, in ms. */
  undoMs?: number;
}

/** Retry-After values up to this many seconds are waited out before one more try. */
const WAIT_OUT_SECONDS = 10;
const MAX_PAGES = 20;
const SCREEN_KEY = 'todo-app.screen';

/** The screen kept before the last trip to the sign-in page, once (it is then forgotten). */
function takeKeptScreen(): Partial<Screen> | undefined {
  try {
    const text = sessionStorage.getItem(SCREEN_KEY);
    sessionStorage.removeItem(SCREEN_KEY);
    return text === null ? undefined : (JSON.parse(text) as Partial<Screen>);
  } catch {
    return undefined;
  }
}

/**
 * A todo's or a list's entity tag. The API documents it as made of the id and the version, so an item
 * read from a list page, which carries no ETag header, gets the same tag its GET would have.
 */
export const etagOf = (thing: { id: string; version: number }) => `"${thing.id}-${thing.version}"`;

const sorted = <T>(items: readonly T[], key: (item: T) => Todo | List) =>
  [...items].sort((a, b) => byPosition(key(a), key(b)));
/** The shown list's top-level todos, in their order. */
export const topLevel = (items: readonly Item[]) =>
  sorted(
    items.filter((item) => item.todo.parentId === null),
    (item) => item.todo,
  );
/** A todo's subtasks, in their order. */
export const subtasksOf = (items: readonly Item[], parentId: TodoId) =>
  sorted(
    items.filter((item) => item.todo.parentId === parentId),
    (item) => item.todo,
  );
const listOrder = (lists: readonly ListItem[]) => sorted(lists, (item) => item.list);

const isStatus = (err: unknown, status: number): err is ApiError => err instanceof ApiError && err.status === status;
/** A 404 that is about the list named in the request (`listId`), not the todo. */
const listVanished = (err: unknown) =>
  isStatus(err, 404) && (err.problem?.errors?.some((e) => e.path === 'listId') ?? false);

/**
 * The one module that talks to the API (through the typed client) and owns what the app knows: the
 * lists, the shown list's todos, what is being saved, what can be undone, and the status line. Screens
 * read its state and call its actions; none of them calls the API. Offline editing, conflict resolution
 * and live updates (the next issue) extend this module, not the screens.
 */
export function createStore({ baseUrl, token, renew, listId, undoMs = 6000 }: StoreOptions) {
  let leaving = false;
  const api = createTodoClient({
    baseUrl,
    token,
    // Once the page is being left, a request must outlive it (the deletion that was waiting for its undo time).
    fetch: (request) => fetch(request, leaving ? { keepalive: true } : undefined),
  });
  const kept = takeKeptScreen();
  let state: State = {
    loaded: false,
    listsLoaded: false,
    screen: { filter: 'all', newText: '', newListTitle: '', listId, ...kept },
    lists: [],
    items: [],
    status: { kind: 'loading', text: 'Loading your todos…' },
    signedOut: false,
  };
  const listeners = new Set<() => void>();
  let inFlight = 0;
  let undoTimer: ReturnType<typeof setTimeout> | undefined;

  const set = (patch: Partial<State>) => {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  };
  const status = (kind: Status['kind'], text: string) => set({ status: { kind, text } });
  const screen = (patch: Partial<Screen>) => set({ screen: { ...state.screen, ...patch } });
  const shownList = () => state.screen.listId;

  const find = (id: TodoId) => state.items.find((item) => item.todo.id === id);
  /** Puts the server's todo in place (or adds it, when it belongs to the shown list). */
  const replace = (todo: Todo, etag = etagOf(todo)) => {
    const others = state.items.filter((item) => item.todo.id !== todo.id);
    set({ items: todo.listId === shownList() ? [...others, { todo, etag }] : others });
  };
  const drop = (id: TodoId) =>
    set({ items: state.items.filter((item) => item.todo.id !== id && item.todo.parentId !== id) });

  const findList = (id: ListId) => state.lists.find((item) => item.list.id === id);
  const replaceList = (list: List, etag = etagOf(list)) =>
    set({ lists: listOrder([...state.lists.filter((item) => item.list.id !== list.id), { list, etag }]) });
  const defaultList = () => state.lists.find((item) => item.list.isDefault) ?? state.lists[0];

  // Changes of one todo or list go one after another: each names the version the one before it made.
  const turns = new Map<string, Promise<unknown>>();
  function inTurn<T>(id: string, run: () => Promise<T>): Promise<T> {
    const next = (turns.get(id) ?? Promise.resolve()).then(run, run);
    const settled = next.catch(() => undefined);
    turns.set(id, settled);
    void settled.then(() => {
      if (turns.get(id) === settled) turns.delete(id);
    });
    return next;
  }

  /**
   * Runs one API call with what every call needs: the status line, one renewal of the token after a
   * 401, and waiting out a short Retry-After (every call here is safe to repeat: reads, changes
   * conditional on If-Match, creations with an Idempotency-Key or a chosen id). Rethrows what it could
   * not handle, after saying it on the status line.
   */
  async function call<T>(doing: string, run: () => Promise<T>): Promise<T> {
    inFlight++;
    if (state.status.kind !== 'loading') status('syncing', 'Saving…');
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await run();
        } catch (err) {
          if (isStatus(err, 401) && attempt === 0 && (await renew())) continue;
          const wait = err instanceof ApiError && [429, 503].includes(err.status) ? err.retryAfter : undefined;
          if (wait !== undefined && wait <= WAIT_OUT_SECONDS && attempt < 2) {
            status('offline', `The service is busy. Trying again ${inSeconds(wait)}…`);
            await new Promise((resolve) => setTimeout(resolve, wait * 1000));
            continue;
          }
          throw err;
        }
      }
    } catch (err) {
      if (isStatus(err, 401))
        set({
          signedOut: true,
          status: { kind: 'signed-out', text: 'You are signed out. Sign in again: what is on screen is kept.' },
        });
      else if (isNetworkFailure(err)) status('offline', describeError(err, doing));
      // The action reads the latest version, then says so (conflictFound).
      else if (isStatus(err, 412)) status('conflict', 'Changed elsewhere: getting the latest…');
      else status('error', describeError(err, doing));
      throw err;
    } finally {
      inFlight--;
      if (inFlight === 0 && state.status.kind === 'syncing') status('saved', 'All changes saved.');
    }
  }

  /** Reads every page of a listing. */
  async function readAll<T>(
    doing: string,
    page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | null }>,
  ) {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const data = await call(doing, () => page(cursor));
      items.push(...data.items);
      if (!data.nextCursor) break;
      cursor = data.nextCursor;
    }
    return items;
  }

  /** A list's todos: top-level and subtasks, two readings at once. */
  async function readTodos(id: ListId): Promise<Item[]> {
    const read = (subtasks: boolean) =>
      readAll('load the todos', async (cursor) => {
        const query = {
          listId: id,
          limit: 100,
          ...(subtasks ? { subtasks: 'true' as const } : {}),
          ...(cursor ? { cursor } : {}),
        };
        return (await api.GET('/todos', { params: { query } })).data;
      });
    const [top, subtasks] = await Promise.all([read(false), read(true)]);
    return [...top, ...subtasks].map((todo) => ({ todo, etag: etagOf(todo) }));
  }

  /** Shows a list's todos once read (unless another list was chosen meanwhile). */
  async function loadTodos(id: ListId, reading = readTodos(id)): Promise<void> {
    set({ loaded: false, items: [] });
    try {
      const items = await reading;
      if (shownList() === id) set({ loaded: true, items, status: { kind: 'saved', text: 'Up to date.' } });
    } catch (err) {
      if (shownList() !== id) return;
      set({ loaded: true });
      if (isStatus(err, 404)) await listGone(id);
    }
  }

  /** The shown list was deleted elsewhere: say so, and show the default list (what was typed stays). */
  async function listGone(id: ListId): Promise<void> {
    const title = findList(id)?.list.title;
    set({ lists: state.lists.filter((item) => item.list.id !== id) });
    const fallback = defaultList();
    const text = `The list ${title ? `“${title}” ` : ''}was deleted elsewhere. Showing ${fallback ? `“${fallback.list.title}”` : 'your lists'}.`;
    if (fallback && shownList() === id) {
      screen({ listId: fallback.list.id, editing: undefined, details: undefined });
      await loadTodos(fallback.list.id);
    }
    status('conflict', text);
  }

  /** After a 412 on a todo: shows it as it is now on the server (or drops it), then says what happened. */
  async function conflictFound(id: TodoId, err: ApiError, doing: string): Promise<void> {
    try {
      const { data, etag } = await api.GET('/todos/{id}', { params: { path: { id } } });
      replace(data, etag);
      status('conflict', describeError(err, doing));
    } catch (reread) {
      if (isStatus(reread, 404)) {
        drop(id);
        status('conflict', describeError(reread, doing));
      } else status('error', describeError(reread, doing));
    }
  }

  /** After a 412 on a list: the same, for a list. */
  async function listConflictFound(id: ListId, err: ApiError, doing: string): Promise<void> {
    try {
      const { data, etag } = await api.GET('/lists/{id}', { params: { path: { id } } });
      replaceList(data, etag);
      status('conflict', describeError(err, doing));
    } catch (reread) {
      if (isStatus(reread, 404)) await listGone(id);
      else status('error', describeError(reread, doing));
    }
  }

  /**
   * Changes a todo: shown at once (`shown`, when given), put back if the server says no. A 412 shows the
   * latest version; a 404 drops it (or, when its list is gone, the list).
   */
  async function patchTodo(id: TodoId, body: TodoChange, doing: string, shown?: Partial<Todo>): Promise<Outcome> {
    const before = find(id);
    if (!before) return 'failed';
    if (shown) replace({ ...before.todo, ...shown }, before.etag);
    return inTurn(id, async () => {
      // Read now, after the changes before it: their version is the one to name (If-Match).
      const item = find(id);
      if (!item) return 'failed';
      try {
        const { data, etag } = await call(doing, () =>
          api.PATCH('/todos/{id}', { params: { path: { id }, header: { 'if-match': item.etag } }, body }),
        );
        replace(data, etag);
        return 'saved';
      } catch (err) {
        if (find(id)) replace(shown ? { ...item.todo, ...pick(before.todo, shown) } : item.todo, item.etag);
        if (listVanished(err)) await listGone(item.todo.listId);
        else if (isStatus(err, 404)) drop(id);
        if (isStatus(err, 412)) {
          await conflictFound(id, err, doing);
          return 'conflict';
        }
        return 'failed';
      }
    });
  }

  /** Creates a todo in the shown list (`parentId`: as a subtask); true once the server has it. */
  async function createTodo(body: Omit<NewTodoBody, 'listId'>, doing: string): Promise<boolean> {
    const listId = shownList();
    if (!listId) return false;
    const key = crypto.randomUUID();
    try {
      const { data, etag } = await call(doing, () =>
        api.POST('/todos', { body: { ...body, listId }, params: { header: { 'idempotency-key': key } } }),
      );
      replace(data, etag ?? etagOf(data));
      return true;
    } catch (err) {
      // A 404 names what is missing: the list, or the todo a subtask was for.
      if (listVanished(err) || (isStatus(err, 404) && !body.parentId)) await listGone(listId);
      else if (isStatus(err, 404) && body.parentId) {
        drop(body.parentId);
        status('conflict', `Could not ${doing}: its todo was deleted elsewhere.`);
      }
      return false;
    }
  }

  /** Sends the deletion waiting for its undo time, now. */
  async function commitDeletion(): Promise<void> {
    const pending = state.undo;
    if (!pending) return;
    clearTimeout(undoTimer);
    set({ undo: undefined });
    const { todo } = pending.item;
    try {
      await call('delete the todo', () =>
        api.DELETE('/todos/{id}', { params: { path: { id: todo.id }, header: { 'if-match': pending.item.etag } } }),
      );
    } catch (err) {
      if (isStatus(err, 404)) return status('saved', 'All changes saved.');
      // Not deleted: it comes back where it was (the latest version after a 412).
      restore(pending);
      if (isStatus(err, 412)) await conflictFound(todo.id, err, 'delete the todo');
    }
  }

  /** Puts a deleted todo and its subtasks back on screen, when their list is the one shown. */
  function restore({ item, subtasks }: PendingDeletion) {
    if (item.todo.listId !== shownList()) return;
    const back = [item, ...subtasks];
    set({ items: [...state.items.filter((i) => !back.some((b) => b.todo.id === i.todo.id)), ...back] });
  }

  /**
   * Moves todo `id` next to `targetId` (a sibling: `side` of it), with one PATCH: a key between its new
   * neighbours, or the server's placement after the one above when their keys leave no room.
   */
  async function moveTodo(id: TodoId, targetId: TodoId, side: 'before' | 'after'): Promise<Outcome> {
    const item = find(id);
    if (!item || id === targetId) return 'failed';
    const parentId = item.todo.parentId;
    const siblings = (parentId === null ? topLevel(state.items) : subtasksOf(state.items, parentId)).filter(
      (i) => i.todo.id !== id,
    );
    const at = siblings.findIndex((i) => i.todo.id === targetId);
    if (at < 0) return 'failed';
    const index = side === 'before' ? at : at + 1;
    const placement = placementBetween(siblings[index - 1]?.todo, siblings[index]?.todo);
    return patchTodo(id, placement, 'move the todo', 'position' in placement ? placement : undefined);
  }

  return {
    getState: () => state,
    /** Calls `listener` after every change of state; returns the unsubscribe. */
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * Reads the lists and the todos of the list to show: the one named (read at the same time as the
     * lists), else the default list.
     */
    async load(): Promise<void> {
      status('loading', 'Loading your todos…');
      const wanted = shownList();
      const early = wanted ? readTodos(wanted) : undefined;
      // Handled below, once the lists say whether that list is there.
      early?.catch(() => undefined);
      let lists: ListItem[];
      try {
        const read = await readAll('load your lists', async (cursor) => {
          const query = { limit: 100, ...(cursor ? { cursor } : {}) };
          return (await api.GET('/lists', { params: { query } })).data;
        });
        lists = listOrder(read.map((list) => ({ list, etag: etagOf(list) })));
      } catch {
        set({ loaded: true, listsLoaded: true });
        return;
      }
      set({ lists, listsLoaded: true });
      const shown = (wanted && findList(wanted)) || defaultList();
      if (!shown) return set({ loaded: true });
      screen({ listId: shown.list.id });
      if (early && shown.list.id === wanted) return loadTodos(wanted, early);
      await loadTodos(shown.list.id);
      if (wanted) status('conflict', `That list is not there (deleted, or not yours). Showing “${shown.list.title}”.`);
    },

    /** Shows another list's todos. */
    async selectList(id: ListId): Promise<void> {
      if (id === shownList() || !findList(id)) return;
      screen({ listId: id, editing: undefined, details: undefined });
      await loadTodos(id);
    },

    /** What is typed in the new todo's field. */
    setNewText: (newText: string) => screen({ newText }),
    setFilter: (filter: Filter) => screen({ filter }),
    /** Opens a todo's text for editing. */
    startEdit(id: TodoId): void {
      const item = find(id);
      if (item) screen({ editing: { id, text: item.todo.text } });
    },
    setEditText(text: string): void {
      if (state.screen.editing) screen({ editing: { ...state.screen.editing, text } });
    },
    cancelEdit: () => screen({ editing: undefined }),

    /** Adds the typed todo at the top of the shown list; the field is emptied once the server has it, so a failure loses nothing. */
    async add(): Promise<boolean> {
      const text = state.screen.newText;
      if (text.trim() === '') return false;
      const added = await createTodo({ text }, 'add the todo');
      if (added && state.screen.newText === text) screen({ newText: '' });
      return added;
    },

    /** Checks or unchecks a todo; shown at once, put back if the server says no. */
    setDone: (id: TodoId, done: boolean): Promise<Outcome> =>
      patchTodo(id, { done }, done ? 'check the todo' : 'uncheck the todo', { done }),

    /**
     * Saves the text being edited. The editor closes once saved; on a conflict or a failure it stays
     * open with the person's text (after a conflict, the todo behind it shows the latest version).
     */
    async saveEdit(): Promise<Outcome> {
      const editing = state.screen.editing;
      const item = editing && find(editing.id);
      if (!editing || !item) return 'failed';
      const { id, text } = editing;
      const closeIfSame = () => {
        if (state.screen.editing?.id === id && state.screen.editing.text === text) screen({ editing: undefined });
      };
      if (text.trim() === item.todo.text) {
        closeIfSame();
        return 'saved';
      }
      const outcome = await patchTodo(id, { text }, 'save the new text');
      if (outcome === 'saved') closeIfSame();
      return outcome;
    },

    /** Opens a todo's details (notes, due date, subtasks), or closes them when open. */
    toggleDetails(id: TodoId): void {
      const item = find(id);
      if (state.screen.details?.id === id || !item) screen({ details: undefined });
      else screen({ details: { id, notes: item.todo.notes ?? '', subtask: '' } });
    },
    setNotesText(notes: string): void {
      if (state.screen.details) screen({ details: { ...state.screen.details, notes } });
    },
    /** Saves the notes as typed (empty: none). */
    async saveNotes(): Promise<Outcome> {
      const details = state.screen.details;
      const item = details && find(details.id);
      if (!details || !item) return 'failed';
      const notes = details.notes.trim() === '' ? null : details.notes;
      if (notes === item.todo.notes) return 'saved';
      return patchTodo(details.id, { notes }, 'save the notes');
    },
    /** Sets or clears a todo's due date: `YYYY-MM-DD`, or a date-time with its offset (see due.ts). */
    setDue: (id: TodoId, due: string | null): Promise<Outcome> => patchTodo(id, { due }, 'set the due date', { due }),

    setSubtaskText(subtask: string): void {
      if (state.screen.details) screen({ details: { ...state.screen.details, subtask } });
    },
    /** Adds the typed subtask at the end of its todo's subtasks; the field keeps the text until the server has it. */
    async addSubtask(): Promise<boolean> {
      const details = state.screen.details;
      if (!details || details.subtask.trim() === '') return false;
      const { id: parentId, subtask: text } = details;
      const last = subtasksOf(state.items, parentId).at(-1)?.todo;
      const placement = last ? placementBetween(last, undefined) : {};
      const added = await createTodo({ text, parentId, ...placement }, 'add the subtask');
      const now = state.screen.details;
      if (added && now?.id === parentId && now.subtask === text) screen({ details: { ...now, subtask: '' } });
      return added;
    },

    moveTodo,
    /** Moves a todo one place up or down among its siblings (skipping those the filter hides: `visible`). */
    moveTodoBy(id: TodoId, step: -1 | 1, visible: readonly TodoId[]): Promise<Outcome> {
      const target = visible[visible.indexOf(id) + step];
      return target === undefined ? Promise.resolve('failed') : moveTodo(id, target, step < 0 ? 'before' : 'after');
    },

    /** Deletes a todo (and its subtasks) after the undo time (an earlier deletion still waiting is sent first). */
    async remove(id: TodoId): Promise<void> {
      await commitDeletion();
      const item = find(id);
      if (!item) return;
      const subtasks = subtasksOf(state.items, id);
      set({
        undo: { item, subtasks },
        items: state.items.filter((i) => i.todo.id !== id && i.todo.parentId !== id),
        status: { kind: 'saved', text: 'Deleted. It can be undone for a few seconds.' },
      });
      undoTimer = setTimeout(() => void commitDeletion(), undoMs);
    },

    /** Brings back the deletion still waiting, where it was. */
    undo(): void {
      const pending = state.undo;
      if (!pending) return;
      clearTimeout(undoTimer);
      set({ undo: undefined });
      restore(pending);
      status('saved', 'Deletion undone.');
    },

    /** What is typed in the new list's field. */
    setNewListTitle: (newListTitle: string) => screen({ newListTitle }),
    /** Creates the typed list at the end and shows it; the field keeps the title until the server has it. */
    async addList(): Promise<boolean> {
      const title = state.screen.newListTitle;
      if (title.trim() === '') return false;
      // The list's id is chosen here, so repeating the request after a lost answer cannot make two.
      const id = crypto.randomUUID();
      try {
        const { data, etag } = await call('create the list', () => api.POST('/lists', { body: { id, title } }));
        replaceList(data, etag ?? etagOf(data));
        if (state.screen.newListTitle === title) screen({ newListTitle: '' });
        screen({ listId: data.id, editing: undefined, details: undefined });
        set({ loaded: true, items: [] });
        return true;
      } catch {
        return false;
      }
    },
    /** Opens a list's title for renaming. */
    startRename(id: ListId): void {
      const item = findList(id);
      if (item) screen({ renaming: { id, title: item.list.title } });
    },
    setRenameText(title: string): void {
      if (state.screen.renaming) screen({ renaming: { ...state.screen.renaming, title } });
    },
    cancelRename: () => screen({ renaming: undefined }),
    /** Saves the new title; the field stays open with it on a conflict or a failure. */
    async saveRename(): Promise<Outcome> {
      const renaming = state.screen.renaming;
      const item = renaming && findList(renaming.id);
      if (!renaming || !item) return 'failed';
      const { id, title } = renaming;
      const close = () => {
        if (state.screen.renaming?.id === id && state.screen.renaming.title === title) screen({ renaming: undefined });
      };
      if (title.trim() === item.list.title) {
        close();
        return 'saved';
      }
      return patchList(id, { title }, 'rename the list').then((outcome) => {
        if (outcome === 'saved') close();
        return outcome;
      });
    },
    /** Deletes a list and its todos (the screen asks first); the default list cannot be. */
    async removeList(id: ListId): Promise<Outcome> {
      const item = findList(id);
      if (!item || item.list.isDefault) return 'failed';
      try {
        await call('delete the list', () =>
          api.DELETE('/lists/{id}', { params: { path: { id }, header: { 'if-match': item.etag } } }),
        );
      } catch (err) {
        if (isStatus(err, 412)) {
          await listConflictFound(id, err, 'delete the list');
          return 'conflict';
        }
        if (!isStatus(err, 404)) return 'failed';
      }
      set({ lists: state.lists.filter((i) => i.list.id !== id) });
      if (shownList() === id) {
        const fallback = defaultList();
        if (fallback) {
          screen({ listId: fallback.list.id, editing: undefined, details: undefined });
          await loadTodos(fallback.list.id);
        }
      }
      status('saved', `Deleted the list “${item.list.title}” and its todos.`);
      return 'saved';
    },
    /** Moves list `id` next to `targetId`, with one PATCH (as todos move). */
    moveList(id: ListId, targetId: ListId, side: 'before' | 'after'): Promise<Outcome> {
      const others = state.lists.filter((i) => i.list.id !== id);
      const at = others.findIndex((i) => i.list.id === targetId);
      if (at < 0 || id === targetId) return Promise.resolve('failed');
      const index = side === 'before' ? at : at + 1;
      const placement = placementBetween(others[index - 1]?.list, others[index]?.list);
      return patchList(id, placement, 'move the list', 'position' in placement ? placement : undefined);
    },

    /** Sends what is waiting now: the page is being left. */
    leave(): void {
      leaving = true;
      void commitDeletion();
    },

    /** Before leaving for the sign-in page: what is on screen, to be put back on return. */
    keepScreen(): void {
      sessionStorage.setItem(SCREEN_KEY, JSON.stringify(state.screen));
    },
  };

  /** Changes a list, as patchTodo changes a todo. */
  async function patchList(id: ListId, body: ListChange, doing: string, shown?: Partial<List>): Promise<Outcome> {
    const before = findList(id);
    if (!before) return 'failed';
    if (shown) replaceList({ ...before.list, ...shown }, before.etag);
    return inTurn(id, async () => {
      const item = findList(id);
      if (!item) return 'failed';
      try {
        const { data, etag } = await call(doing, () =>
          api.PATCH('/lists/{id}', { params: { path: { id }, header: { 'if-match': item.etag } }, body }),
        );
        replaceList(data, etag);
        return 'saved';
      } catch (err) {
        if (findList(id)) replaceList(shown ? { ...item.list, ...pick(before.list, shown) } : item.list, item.etag);
        if (isStatus(err, 404)) await listGone(id);
        if (isStatus(err, 412)) {
          await listConflictFound(id, err, doing);
          return 'conflict';
        }
        return 'failed';
      }
    });
  }
}

/** The values `thing` had for the fields of `fields` (what an optimistic change put back on failure). */
function pick<T extends object>(thing: T, fields: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.keys(fields).map((key) => [key, thing[key as keyof T]])) as Partial<T>;
}

type NewTodoBody = NewTodo | (Omit<NewTodo, 'position'> & Placement);
/** A todo change the app sends: fields, or a placement. */
type TodoChange = Partial<Pick<Todo, 'text' | 'done' | 'notes' | 'due'>> | Placement;
/** A list change the app sends: its title, or a placement. */
type ListChange = { title: string } | Placement;

export type Store = ReturnType<typeof createStore>;
