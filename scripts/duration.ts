const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** "365d", "12h", "30m", "2w", "1y" → milliseconds; throws a readable error otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([mhdwy])$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: write a number and a unit, e.g. 365d, 12h, 30m, 2w, 1y`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
