// DATE(3) values as text: SQLite stores them as the text Sequelize writes, and MySQL/MariaDB take
// the same text (without the offset) for a DATETIME(3). Comparisons in SQL are on this text, so
// it must be exactly Sequelize's: "YYYY-MM-DD HH:MM:SS.mmm", UTC (actstream requires timezone +00:00).

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "YYYY-MM-DD HH:MM:SS.mmm" in UTC. */
export function utcDateTime(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`
  );
}

const digit = (text: string, i: number) => text.charCodeAt(i) - 48;
const number = (text: string, from: number, length: number) => {
  let n = 0;
  for (let i = from; i < from + length; i++) n = n * 10 + digit(text, i);
  return n;
};

/**
 * A DATE column's text as Sequelize's SQLite dialect reads it: with an offset as written, without
 * one as UTC. Its own format ("2026-01-02 03:04:05.678 +00:00") is read without Date's string parser.
 */
export function dateFromText(text: string): Date {
  if (text.length === 30 && text.endsWith(' +00:00') && text[10] === ' ' && text[19] === '.') {
    const time = Date.UTC(
      number(text, 0, 4),
      number(text, 5, 2) - 1,
      number(text, 8, 2),
      number(text, 11, 2),
      number(text, 14, 2),
      number(text, 17, 2),
      number(text, 20, 3),
    );
    if (!Number.isNaN(time)) return new Date(time);
  }
  return new Date(text.includes('+') ? text : `${text}+00:00`);
}
