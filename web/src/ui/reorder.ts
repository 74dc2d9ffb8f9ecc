import type { HTMLAttributes } from 'preact';

export type Side = 'before' | 'after';
type Handlers<Names extends keyof HTMLAttributes<HTMLElement>> = Pick<HTMLAttributes<HTMLElement>, Names>;
type Move = (id: string, targetId: string, side: Side) => unknown;

/** What is being dragged: its sibling group (a drop elsewhere is refused) and its id. */
let dragging: { group: string; id: string } | undefined;

/**
 * Drag and drop (HTML5) among the siblings of `group`: `handle` goes on what is grabbed, `target` on
 * the row a dragged sibling is dropped on (above its middle: before it; below: after it). Keyboard
 * users move with Alt+↑/↓ (altArrow) instead; both end in one `move`.
 */
export function dragReorder(group: string, id: string, move: Move) {
  const handle: Handlers<'draggable' | 'onDragStart' | 'onDragEnd'> = {
    draggable: true,
    onDragStart(event) {
      event.stopPropagation();
      dragging = { group, id };
      const transfer = event.dataTransfer;
      if (!transfer) return;
      transfer.effectAllowed = 'move';
      transfer.setData('text/plain', id);
      const row = event.currentTarget.closest('li');
      if (row) transfer.setDragImage(row, 12, 12);
    },
    onDragEnd() {
      dragging = undefined;
    },
  };
  const accepts = () => dragging !== undefined && dragging.group === group && dragging.id !== id;
  const target: Handlers<'onDragOver' | 'onDrop'> = {
    onDragOver(event) {
      if (!accepts()) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    },
    onDrop(event) {
      if (!accepts()) return;
      event.preventDefault();
      event.stopPropagation();
      const box = event.currentTarget.getBoundingClientRect();
      const side: Side = event.clientY < box.top + box.height / 2 ? 'before' : 'after';
      const from = dragging!.id;
      dragging = undefined;
      move(from, id, side);
    },
  };
  return { handle, target };
}

/** -1 for Alt+↑, 1 for Alt+↓, undefined for any other key. */
export function altArrow(event: KeyboardEvent): -1 | 1 | undefined {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return undefined;
  return event.key === 'ArrowUp' ? -1 : event.key === 'ArrowDown' ? 1 : undefined;
}

/**
 * Runs a keyboard move and keeps the focus where it was: the moved row's element can lose it when the
 * list is put in its new order.
 */
export async function keepingFocus(run: () => Promise<unknown>): Promise<void> {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const id = focused?.id;
  await run();
  const again = id ? document.getElementById(id) : focused;
  if (again && document.activeElement !== again) again.focus();
}
