export function StatsPage() {
  return <p className="pad">Stats</p>;
}
