// Row ids: UUIDv7, time-ordered, strictly increasing within a process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from '../../src/store/ids.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

test('UUIDv7 with the time of creation: version 7, variant 10, the Unix milliseconds in the first 48 bits', () => {
  const before = Date.now();
  const id = newId();
  const after = Date.now();
  assert.match(id, V7);
  assert.ok(millis(id) >= before && millis(id) <= after, `${millis(id)} within [${before}, ${after}]`);
});

test('strictly increasing and distinct, also within one millisecond', () => {
  const ids = Array.from({ length: 100_000 }, newId);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => V7.test(id)));
});

test('increasing when the clock steps back', (t) => {
  const first = newId();
  t.mock.method(Date, 'now', () => millis(first) - 60_000);
  const later = newId();
  assert.ok(first < later);
  assert.equal(millis(later), millis(first), 'the time stays where it was');
});
