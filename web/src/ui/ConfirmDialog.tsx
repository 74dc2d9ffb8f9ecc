import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  /** The confirming button's text. */
  confirm: string;
  children: ComponentChildren;
  /** Called once, with whether the person confirmed. */
  onClose: (confirmed: boolean) => void;
}

/**
 * A modal question (the native <dialog>: focus stays inside, Escape cancels, focus goes back to what
 * opened it). Cancel is focused first, so Enter alone never deletes.
 */
export function ConfirmDialog({ title, confirm, children, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const closed = useRef(false);
  const close = (confirmed: boolean) => {
    if (closed.current) return;
    closed.current = true;
    onClose(confirmed);
  };
  // Opened as it is drawn (not after the next paint), so a key pressed at once already meets the dialog.
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    dialog.current?.showModal();
    cancel.current?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      // Escape: the browser may close the dialog itself (a cancel it does not let be prevented), so both count.
      onCancel={(event) => {
        event.preventDefault();
        close(false);
      }}
      onClose={() => close(false)}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-text">{children}</p>
      <div class="dialog-buttons">
        <button type="button" ref={cancel} onClick={() => close(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => close(true)}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
