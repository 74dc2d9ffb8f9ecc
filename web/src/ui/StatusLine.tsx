import type { Status } from '../data/store.ts';

/** One line saying what the app is doing (saving, offline, a conflict), read out by screen readers as it changes. */
export function StatusLine({ status }: { status: Status }) {
  return (
    <p class={`status status-${status.kind}`} role="status" data-status={status.kind}>
      {status.text}
    </p>
  );
}
