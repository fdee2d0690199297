import { expect } from 'chai';
import { timesince } from 'actstream';

// Pure unit tests: the expected strings are Django's timesince for the same two instants.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const t = new Date(Date.UTC(2007, 7, 14, 13, 46, 0));
const plus = (ms: number) => new Date(t.getTime() + ms);
const utc = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min));

describe('timesince', () => {
  it('says "0 minutes" for no time, under a minute, and the future', () => {
    expect(timesince(t, t)).to.equal('0 minutes');
    expect(timesince(t, plus(1))).to.equal('0 minutes');
    expect(timesince(t, plus(59_999))).to.equal('0 minutes');
    expect(timesince(t, plus(-DAY))).to.equal('0 minutes');
    expect(timesince(plus(5 * MINUTE), t)).to.equal('0 minutes');
  });

  it('names single units, singular and plural', () => {
    expect(timesince(t, plus(MINUTE))).to.equal('1 minute');
    expect(timesince(t, plus(2 * MINUTE))).to.equal('2 minutes');
    expect(timesince(t, plus(HOUR))).to.equal('1 hour');
    expect(timesince(t, plus(DAY))).to.equal('1 day');
    expect(timesince(t, plus(WEEK))).to.equal('1 week');
    expect(timesince(t, plus(31 * DAY))).to.equal('1 month');
    expect(timesince(t, plus(366 * DAY))).to.equal('1 year');
  });

  it('gives at most two adjacent units', () => {
    expect(timesince(t, plus(3 * HOUR + 2 * MINUTE))).to.equal('3 hours, 2 minutes');
    expect(timesince(t, plus(2 * DAY + 6 * HOUR))).to.equal('2 days, 6 hours');
    expect(timesince(t, plus(2 * WEEK + 2 * DAY))).to.equal('2 weeks, 2 days');
    expect(timesince(t, plus(2 * HOUR + 30 * MINUTE))).to.equal('2 hours, 30 minutes');
    // The unit after the first is zero: stop there, skipping to smaller units would mislead.
    expect(timesince(t, plus(4 * DAY + 5 * MINUTE))).to.equal('4 days');
    expect(timesince(t, plus(2 * WEEK + 3 * HOUR + 4 * MINUTE))).to.equal('2 weeks');
  });

  it('counts calendar years and months', () => {
    expect(timesince(utc(2020, 1, 10), utc(2021, 3, 10))).to.equal('1 year, 2 months');
    expect(timesince(utc(2020, 1, 10), utc(2022, 1, 10))).to.equal('2 years');
    expect(timesince(utc(2020, 1, 10, 12), utc(2021, 3, 10, 11))).to.equal('1 year, 1 month');
  });

  it('handles the ends of months like Django', () => {
    const start = utc(2022, 1, 1);
    expect(timesince(start, utc(2022, 1, 31))).to.equal('4 weeks, 2 days');
    expect(timesince(start, utc(2022, 2, 1))).to.equal('1 month');
    expect(timesince(start, utc(2022, 2, 28))).to.equal('1 month, 3 weeks');
    expect(timesince(start, utc(2022, 3, 1))).to.equal('2 months');
    expect(timesince(start, utc(2022, 3, 31))).to.equal('2 months, 4 weeks');
    expect(timesince(start, utc(2022, 12, 31))).to.equal('11 months, 4 weeks');
    // A later day of month than the end date: the month is not complete yet.
    expect(timesince(utc(2023, 1, 31), utc(2023, 2, 28))).to.equal('4 weeks');
    expect(timesince(utc(2022, 1, 31), utc(2022, 3, 1))).to.equal('1 month');
  });

  it('handles leap years', () => {
    expect(timesince(utc(2016, 12, 25), utc(2017, 1, 1))).to.equal('1 week');
    expect(timesince(utc(2024, 2, 1), utc(2024, 3, 1))).to.equal('1 month');
    expect(timesince(utc(2024, 1, 31), utc(2024, 2, 29, 12))).to.equal('4 weeks, 1 day');
  });

  it('defaults `now` to the current time', () => {
    expect(timesince(new Date(Date.now() - 2 * HOUR - 5 * MINUTE - 10_000))).to.equal('2 hours, 5 minutes');
  });
});
