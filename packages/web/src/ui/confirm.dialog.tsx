import type { ReactNode } from 'react';

/**
 * An inline confirmation for a step that cannot be undone: what will happen (`children`), the
 * step itself, and Cancel — which takes focus, so the way back out is the default, not the step.
 */
export function ConfirmDialog(props: {
  labelId: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  /** False keeps the step disabled (e.g. until a confirmation phrase is typed). */
  ready?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="confirm" role="alertdialog" aria-labelledby={props.labelId} aria-modal="false">
      {props.children}
      <button type="button" className="button danger" disabled={props.busy || props.ready === false} onClick={props.onConfirm}>
        {props.busy ? props.busyLabel : props.confirmLabel}
      </button>
      <button type="button" className="button" disabled={props.busy} onClick={props.onCancel} autoFocus>
        Cancel
      </button>
    </div>
  );
}
