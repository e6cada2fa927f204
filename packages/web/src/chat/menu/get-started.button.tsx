import type { GetStarted } from '@parley/protocol';

/** The business's opening button, shown above the composer until the person sends something. */
export function GetStartedButton(props: { getStarted: GetStarted; onStart(): void }) {
  return (
    <div className="get-started">
      <button type="button" className="button primary get-started-button" onClick={props.onStart}>
        {props.getStarted.title}
      </button>
    </div>
  );
}
