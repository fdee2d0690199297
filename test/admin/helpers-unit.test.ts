import { expect } from 'chai';
import { mergeByTime } from '../../admin/action-log-query.js';
import { diffRows } from 'actstream/adminjs';
import { createLinks } from 'actstream/adminjs';
import { coerceNumbers, permittedPayload } from 'actstream/adminjs';
import { isSuccessfulWrite } from 'actstream/adminjs';
import type { ActionRequest, ActionResponse } from 'adminjs';

describe('admin helpers', () => {
  describe('diffRows', () => {
    it('turns data.changes into sorted before/after rows, showing null as a dash and objects as JSON', () => {
      expect(
        diffRows({ changes: { title: { old: 'A', new: 'B' }, city: { old: null, new: 'Ghent' }, tags: { old: ['x'], new: [] } } }),
      ).to.deep.equal([
        { field: 'city', before: '—', after: 'Ghent', private: false },
        { field: 'tags', before: '["x"]', after: '[]', private: false },
        { field: 'title', before: 'A', after: 'B', private: false },
      ]);
    });
    it('shows public and private changes in one table, private ones marked, redacted fields without values', () => {
      expect(
        diffRows({
          changes: { name: { old: 'Ann', new: 'Ann B' } },
          private: { changes: { email: { old: 'a@x.test', new: 'b@x.test' }, isStaff: { old: false, new: true } }, redacted: ['passwordHash'] },
        }),
      ).to.deep.equal([
        { field: 'email', before: 'a@x.test', after: 'b@x.test', private: true },
        { field: 'isStaff', before: 'false', after: 'true', private: true },
        { field: 'name', before: 'Ann', after: 'Ann B', private: false },
        { field: 'passwordHash', before: '(hidden)', after: '(hidden, changed)', private: true },
      ]);
    });
    it('gives no rows for data without changes, or no data', () => {
      expect(diffRows(null)).to.deep.equal([]);
      expect(diffRows({ level: 10 })).to.deep.equal([]);
      expect(diffRows({ changes: 'nope' })).to.deep.equal([]);
      expect(diffRows({ changes: { x: 1 } })).to.deep.equal([]);
      expect(diffRows({ changes: {}, private: 'nope' })).to.deep.equal([]);
    });
  });

  describe('mergeByTime', () => {
    const row = (id: number, minute: number) => ({ id, timestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)) });
    it('merges two newest-first lists, ties broken by id', () => {
      const merged = mergeByTime([row(9, 5), row(4, 3), row(2, 3)], [row(7, 4), row(3, 3), row(1, 0)], 'DESC');
      expect(merged.map((r) => r.id)).to.deep.equal([9, 7, 4, 3, 2, 1]);
    });
    it('merges oldest-first lists and handles an empty side', () => {
      expect(mergeByTime([row(1, 0), row(3, 2)], [row(2, 1)], 'ASC').map((r) => r.id)).to.deep.equal([1, 2, 3]);
      expect(mergeByTime([], [row(2, 1)], 'DESC').map((r) => r.id)).to.deep.equal([2]);
    });
  });

  describe('createLinks', () => {
    const links = createLinks('/admin/', new Map([['Concert', 'concerts']]));
    it('links a model’s record to its show page and Activity view', () => {
      expect(links.record('Concert', '7')).to.equal('/admin/resources/concerts/records/7/show');
      expect(links.activity('Concert', '7')).to.equal('/admin/resources/concerts/records/7/activity');
    });
    it('escapes ids and gives null for a model without a resource', () => {
      expect(links.record('Concert', 'a/b')).to.equal('/admin/resources/concerts/records/a%2Fb/show');
      expect(links.record('Thing', '1')).to.equal(null);
    });
  });

  describe('permittedPayload and coerceNumbers', () => {
    it('keeps only editable fields, flattened keys by their root', () => {
      expect(permittedPayload({ name: 'A', passwordHash: 'x', id: '3', 'tags.0': 't' }, new Set(['name', 'tags']))).to.deep.equal({
        name: 'A',
        'tags.0': 't',
      });
    });
    it('turns numeric strings of numeric fields into numbers, leaving everything else', () => {
      expect(coerceNumbers({ bandId: '12', price: '-1.5', title: '12', empty: '', odd: '1e3' }, new Set(['bandId', 'price', 'empty', 'odd']))).to.deep.equal({
        bandId: 12,
        price: -1.5,
        title: '12',
        empty: '',
        odd: '1e3',
      });
    });
  });

  describe('isSuccessfulWrite', () => {
    const post = { method: 'post' } as ActionRequest;
    const get = { method: 'get' } as ActionRequest;
    const ok = { record: { errors: {} }, notice: { message: 'ok', type: 'success' } } as unknown as ActionResponse;
    it('is true only for a POST answered with a valid record', () => {
      expect(isSuccessfulWrite(post, ok)).to.equal(true);
      expect(isSuccessfulWrite(get, ok)).to.equal(false);
      expect(isSuccessfulWrite(post, { record: { errors: { date: { message: 'bad' } } }, notice: { message: 'x', type: 'error' } } as unknown as ActionResponse)).to.equal(false);
      expect(isSuccessfulWrite(post, { record: { errors: {} }, notice: { message: 'x', type: 'error' } } as unknown as ActionResponse)).to.equal(false);
      expect(isSuccessfulWrite(post, {} as ActionResponse)).to.equal(false);
    });
    it('counts a bulk delete (records, a success notice) as a write', () => {
      expect(isSuccessfulWrite(post, { records: [], notice: { message: 'ok', type: 'success' } } as unknown as ActionResponse)).to.equal(true);
    });
  });
});
