export function InviteForm(_props: { onInvited(): void }) {
  return null;
}
