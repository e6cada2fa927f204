/** A refusal or failure, read out when it appears; nothing when there is none. */
export function ErrorNote(props: { message: string | null }) {
  if (!props.message) return null;
  return (
    <p className="notice error" role="alert">
      {props.message}
    </p>
  );
}
