import { expect } from 'chai';
import { absoluteTime, avatarHue, initials } from '../../server/pages/format.js';

// The pages' small formatting helpers (nunjucks filters).
describe('pages: formatting helpers', () => {
  it('initials: the first letters of the first and last words, upper-cased; "?" when there is none', () => {
    expect(initials('Ann')).to.equal('A');
    expect(initials('ann lee')).to.equal('AL');
    expect(initials('Ada M. Byron')).to.equal('AB');
    expect(initials('élodie 𝒳avier')).to.equal('É𝒳');
    expect(initials('Comment 12')).to.equal('C1');
    expect(initials('<>&')).to.equal('?');
    expect(initials('')).to.equal('?');
  });

  it('avatarHue: the same reference always gets the same hue, neighbouring ids far-apart ones', () => {
    expect(avatarHue('User', '1')).to.equal(avatarHue('User', '1'));
    const hues = ['1', '2', '3', '4', '5'].map((id) => avatarHue('User', id));
    for (const hue of hues) expect(hue).to.be.within(0, 359);
    expect(new Set(hues).size).to.equal(5);
    expect(Math.abs(hues[0] - hues[1])).to.be.above(10);
  });

  it('absoluteTime: day, month, year and time in UTC; nothing for a bad date', () => {
    expect(absoluteTime('2026-11-01T12:03:00.000Z')).to.equal('1 Nov 2026, 12:03 UTC');
    expect(absoluteTime('2026-11-01T23:59:59.999-02:00')).to.equal('2 Nov 2026, 01:59 UTC');
    expect(absoluteTime('nope')).to.equal('');
  });
});
