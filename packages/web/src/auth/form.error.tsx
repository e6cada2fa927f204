/** An error sentence in a form, announced as it appears. */
export function FormError(props: { id: string; message: string | null }) {
  return (
    <div id={props.id} className="form-error" role="alert">
      {props.message}
    </div>
  );
}
