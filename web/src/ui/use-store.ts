import { useEffect, useReducer } from 'preact/hooks';
import type { State, Store } from '../data/store.ts';

/** The store's state, re-rendering the component whenever it changes. */
export function useStore(store: Store): State {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => changed(undefined)), [store]);
  return store.getState();
}
