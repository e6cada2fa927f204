/** An on/off setting as a labelled switch with its one-sentence description, and what saving it said. */

export interface SwitchRowProps {
  id: string;
  title: string;
  description: string;
  checked: boolean;
  disabled: boolean;
  onFlip(on: boolean): void;
  /** `li` inside a list of switches; `div` for one on its own. */
  as?: 'li' | 'div';
}

export function SwitchRow(props: SwitchRowProps) {
  const Row = props.as ?? 'li';
  return (
    <Row className="alert-switch">
      <span className="alert-switch-text">
        <label className="alert-switch-title" htmlFor={props.id}>
          {props.title}
        </label>
        <span className="alert-switch-description" id={`${props.id}-description`}>
          {props.description}
        </span>
      </span>
      <input
        type="checkbox"
        role="switch"
        className="switch-input"
        id={props.id}
        aria-describedby={`${props.id}-description`}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onFlip(event.currentTarget.checked)}
      />
    </Row>
  );
}

/** A refusal to show, and the saved state said to screen readers. */
export function SwitchFeedback(props: { error: string | null; said: string | null }) {
  return (
    <>
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      <p className="sr-only" role="status">
        {props.said}
      </p>
    </>
  );
}
