import type { Filter, Item, Store } from '../data/store.ts';

const FILTERS: { value: Filter; label: string; keep: (item: Item) => boolean }[] = [
  { value: 'all', label: 'All', keep: () => true },
  { value: 'active', label: 'Active', keep: (item) => !item.todo.done },
  { value: 'done', label: 'Done', keep: (item) => item.todo.done },
];

/** The items a filter shows. */
export const filtered = (items: readonly Item[], filter: Filter) =>
  items.filter(FILTERS.find((f) => f.value === filter)!.keep);

/** Show all, the active or the done todos: buttons that say which one is pressed. */
export function FilterBar({ store, filter, items }: { store: Store; filter: Filter; items: readonly Item[] }) {
  return (
    <div class="filters" role="group" aria-label="Show">
      {FILTERS.map((f) => (
        <button type="button" key={f.value} aria-pressed={filter === f.value} onClick={() => store.setFilter(f.value)}>
          {f.label} <span class="count">{items.filter(f.keep).length}</span>
        </button>
      ))}
    </div>
  );
}
