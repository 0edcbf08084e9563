import { CityTimeZones } from './reference-data.ts';

/** Resolves a city name or an IANA zone; undefined when neither is known. */
export function resolveTimeZone(place: string): string | undefined {
  const key = place.trim().toLowerCase();
  const city = CityTimeZones[key];
  if (city) return city;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: place.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Wall-clock time in a zone, as "YYYY-MM-DD HH:mm:ss" plus the UTC instant. */
export function timeIn(
  timeZone: string,
  now: Date,
): { time_zone: string; local: string; utc: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return {
    time_zone: timeZone,
    local: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`,
    utc: now.toISOString(),
  };
}
