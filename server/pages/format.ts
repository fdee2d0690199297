// Small pure helpers the templates use as nunjucks filters: how a time and a person look on a page.

const ABSOLUTE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "1 Nov 2026, 12:03 UTC": the tooltip of a relative time (pages are rendered without JavaScript, so in UTC). */
export function absoluteTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${ABSOLUTE.format(date)} UTC`;
}

/** Up to two letters for an avatar: "Ann Lee" → "AL", "bob" → "B", "Ada M. Byron" → "AB"; "?" when the label has no letter or digit. */
export function initials(label: string): string {
  const firsts = (label.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => String.fromCodePoint(word.codePointAt(0)!).toLocaleUpperCase('en'));
  if (firsts.length === 0) return '?';
  return firsts.length === 1 ? firsts[0]! : `${firsts[0]}${firsts[firsts.length - 1]}`;
}

/** A hue (0–359) chosen from the reference, so a person keeps the same avatar colour on every page. */
export function avatarHue(type: string, id: string): number {
  // FNV-1a, then murmur3's finaliser, so that neighbouring ids (User 1, User 2) get far-apart hues.
  let hash = 0x811c9dc5;
  for (const char of `${type}:${id}`) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % 360;
}
