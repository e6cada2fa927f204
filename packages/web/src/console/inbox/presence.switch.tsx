export function PresenceSwitch() {
  return null;
}
