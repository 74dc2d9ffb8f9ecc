import { ApiError, createTodoClient, type Todo } from 'edge-todo-client';
import { describeError, inSeconds, isNetworkFailure } from './errors.ts';

export type TodoId = Todo['id'];

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

/** A deletion that can still be undone: it is sent when its time runs out (or the page is left). */
export interface PendingDeletion {
  item: Item;
  index: number;
}

export type Filter = 'all' | 'active' | 'done';

/** What the person has on screen and has not saved: kept across a sign-in (sessionStorage), so nothing typed is lost. */
export interface Screen {
  filter: Filter;
  /** The text of the todo being written. */
  newText: string;
  /** The todo being edited, and its text as typed. */
  editing?: { id: TodoId; text: string };
}

export interface State {
  loaded: boolean;
  screen: Screen;
  /** Newest first, as the API lists them. */
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
  /** How long a deletion can be undone, in ms. */
  undoMs?: number;
}

/** Retry-After values up to this many seconds are waited out before one more try. */
const WAIT_OUT_SECONDS = 10;
const MAX_PAGES = 20;
const SCREEN_KEY = 'todo-app.screen';

/** The screen kept before the last trip to the sign-in page, once (it is then forgotten). */
function takeKeptScreen(): Screen | undefined {
  try {
    const text = sessionStorage.getItem(SCREEN_KEY);
    sessionStorage.removeItem(SCREEN_KEY);
    return text === null ? undefined : (JSON.parse(text) as Screen);
  } catch {
    return undefined;
  }
}

/**
 * A todo's entity tag. The API documents it as made of the id and the version (Todo.version), so an
 * item read from a list page, which carries no ETag header, gets the same tag its GET would have.
 */
export const etagOf = (todo: Todo) => `"${todo.id}-${todo.version}"`;

/**
 * The one module that talks to the API (through the typed client) and owns what the app knows: the
 * todos, what is being saved, what can be undone, and the status line. Screens read its state and call
 * its actions; none of them calls the API. Offline editing, conflict resolution and live updates (the
 * next issue) extend this module, not the screens.
 */
export function createStore({ baseUrl, token, renew, undoMs = 6000 }: StoreOptions) {
  let leaving = false;
  const api = createTodoClient({
    baseUrl,
    token,
    // Once the page is being left, a request must outlive it (the deletion that was waiting for its undo time).
    fetch: (request) => fetch(request, leaving ? { keepalive: true } : undefined),
  });
  let state: State = {
    loaded: false,
    screen: takeKeptScreen() ?? { filter: 'all', newText: '' },
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
  const replace = (todo: Todo, etag = etagOf(todo)) =>
    set({ items: state.items.map((item) => (item.todo.id === todo.id ? { todo, etag } : item)) });
  const drop = (id: TodoId) => set({ items: state.items.filter((item) => item.todo.id !== id) });
  const find = (id: TodoId) => state.items.find((item) => item.todo.id === id);
  const screen = (patch: Partial<Screen>) => set({ screen: { ...state.screen, ...patch } });

  /**
   * Runs one API call with what every call needs: the status line, one renewal of the token after a
   * 401, and waiting out a short Retry-After (every call here is safe to repeat: reads, changes
   * conditional on If-Match, creations with an Idempotency-Key). Rethrows what it could not handle,
   * after saying it on the status line.
   */
  async function call<T>(doing: string, run: () => Promise<T>): Promise<T> {
    inFlight++;
    if (state.status.kind !== 'loading') status('syncing', 'Saving…');
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          return await run();
        } catch (err) {
          if (err instanceof ApiError && err.status === 401 && attempt === 0 && (await renew())) continue;
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
      if (err instanceof ApiError && err.status === 401)
        set({
          signedOut: true,
          status: { kind: 'signed-out', text: 'You are signed out. Sign in again: what is on screen is kept.' },
        });
      else if (isNetworkFailure(err)) status('offline', describeError(err, doing));
      // The action reads the latest version, then says so (conflictFound).
      else if (err instanceof ApiError && err.status === 412)
        status('conflict', 'Changed elsewhere: getting the latest…');
      else status('error', describeError(err, doing));
      throw err;
    } finally {
      inFlight--;
      if (inFlight === 0 && state.status.kind === 'syncing') status('saved', 'All changes saved.');
    }
  }

  /** After a 412: shows the todo as it is now on the server (or drops it), then says what happened. */
  async function conflictFound(id: TodoId, err: ApiError, doing: string): Promise<void> {
    try {
      const { data, etag } = await api.GET('/todos/{id}', { params: { path: { id } } });
      replace(data, etag);
      status('conflict', describeError(err, doing));
    } catch (reread) {
      if (reread instanceof ApiError && reread.status === 404) {
        drop(id);
        status('conflict', describeError(reread, doing));
      } else status('error', describeError(reread, doing));
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
      if (err instanceof ApiError && err.status === 404) return status('saved', 'All changes saved.');
      // Not deleted: it comes back where it was (the latest version after a 412).
      const items = [...state.items];
      items.splice(Math.min(pending.index, items.length), 0, pending.item);
      set({ items });
      if (err instanceof ApiError && err.status === 412) await conflictFound(todo.id, err, 'delete the todo');
    }
  }

  return {
    getState: () => state,
    /** Calls `listener` after every change of state; returns the unsubscribe. */
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Reads every todo (page by page). */
    async load(): Promise<void> {
      status('loading', 'Loading your todos…');
      try {
        const items: Item[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const { data } = await call('load your todos', () =>
            api.GET('/todos', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
          );
          items.push(...data.items.map((todo) => ({ todo, etag: etagOf(todo) })));
          if (!data.nextCursor) break;
          cursor = data.nextCursor;
        }
        set({ loaded: true, items, status: { kind: 'saved', text: 'Up to date.' } });
      } catch {
        set({ loaded: true });
      }
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

    /** Adds the typed todo at the top; the field is emptied once the server has it, so a failure loses nothing. */
    async add(): Promise<boolean> {
      const text = state.screen.newText;
      if (text.trim() === '') return false;
      const key = crypto.randomUUID();
      try {
        const { data, etag } = await call('add the todo', () =>
          api.POST('/todos', { body: { text }, params: { header: { 'idempotency-key': key } } }),
        );
        set({
          items: [{ todo: data, etag: etag ?? etagOf(data) }, ...state.items.filter((i) => i.todo.id !== data.id)],
        });
        if (state.screen.newText === text) screen({ newText: '' });
        return true;
      } catch {
        return false;
      }
    },

    /** Checks or unchecks a todo; shown at once, put back if the server says no. */
    async setDone(id: TodoId, done: boolean): Promise<Outcome> {
      const item = find(id);
      if (!item) return 'failed';
      replace({ ...item.todo, done }, item.etag);
      try {
        const { data, etag } = await call(done ? 'check the todo' : 'uncheck the todo', () =>
          api.PATCH('/todos/{id}', { params: { path: { id }, header: { 'if-match': item.etag } }, body: { done } }),
        );
        replace(data, etag);
        return 'saved';
      } catch (err) {
        replace(item.todo, item.etag);
        if (err instanceof ApiError && err.status === 404) drop(id);
        if (err instanceof ApiError && err.status === 412) {
          await conflictFound(id, err, done ? 'check the todo' : 'uncheck the todo');
          return 'conflict';
        }
        return 'failed';
      }
    },

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
      try {
        const { data, etag } = await call('save the new text', () =>
          api.PATCH('/todos/{id}', { params: { path: { id }, header: { 'if-match': item.etag } }, body: { text } }),
        );
        replace(data, etag);
        closeIfSame();
        return 'saved';
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) drop(id);
        if (err instanceof ApiError && err.status === 412) {
          await conflictFound(id, err, 'save the new text');
          return 'conflict';
        }
        return 'failed';
      }
    },

    /** Deletes a todo after the undo time (an earlier deletion still waiting is sent first). */
    async remove(id: TodoId): Promise<void> {
      await commitDeletion();
      const index = state.items.findIndex((item) => item.todo.id === id);
      if (index < 0) return;
      set({
        undo: { item: state.items[index]!, index },
        items: state.items.filter((_, i) => i !== index),
        status: { kind: 'saved', text: 'Deleted. It can be undone for a few seconds.' },
      });
      undoTimer = setTimeout(() => void commitDeletion(), undoMs);
    },

    /** Brings back the deletion still waiting, where it was. */
    undo(): void {
      const pending = state.undo;
      if (!pending) return;
      clearTimeout(undoTimer);
      const items = [...state.items];
      items.splice(Math.min(pending.index, items.length), 0, pending.item);
      set({ items, undo: undefined, status: { kind: 'saved', text: 'Deletion undone.' } });
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
}

export type Store = ReturnType<typeof createStore>;
