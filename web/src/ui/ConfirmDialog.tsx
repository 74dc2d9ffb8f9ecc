import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

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
  useEffect(() => {
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
      onCancel={(event) => {
        event.preventDefault();
        onClose(false);
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-text">{children}</p>
      <div class="dialog-buttons">
        <button type="button" ref={cancel} onClick={() => onClose(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => onClose(true)}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
