/** How the stats page writes durations and ratings. */

/** 45 s, 3 min 20 s, 2 h 5 min, 3 d 4 h; a dash with no sample. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "4.50 / 5" with no sample as a dash. */
export function formatCsat(average: number | null): string {
  return average === null ? '—' : `${average.toFixed(2)} / 5`;
}
