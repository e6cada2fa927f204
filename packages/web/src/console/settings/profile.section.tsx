export function ProfileSection() {
  return <p>Profile</p>;
}
