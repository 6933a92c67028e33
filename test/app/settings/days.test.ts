// How a day is read and written in each date format (src/app/settings/days.ts): the one rule the
// import, the exports and the web app's day inputs share. Pure: no database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATE_FORMATS, readDay, writeDay } from '../../../src/app/settings/days.ts';

test('01/03/2026 is 1 March under DD/MM/YYYY and 3 January under MM/DD/YYYY; ISO is read whatever the format', () => {
  assert.deepEqual(readDay('01/03/2026', 'DD/MM/YYYY'), { day: '2026-03-01' });
  assert.deepEqual(readDay('01/03/2026', 'MM/DD/YYYY'), { day: '2026-01-03' });
  assert.deepEqual(readDay(' 1/3/2026 ', 'DD/MM/YYYY'), { day: '2026-03-01' });
  for (const format of DATE_FORMATS) assert.deepEqual(readDay('2026-03-01', format), { day: '2026-03-01' });
});

test('a day written well that does not exist says so, in either form; a leap day names the year', () => {
  for (const written of ['30/02/2026', '2026-02-30'])
    assert.deepEqual(readDay(written, 'DD/MM/YYYY'), { problem: '30 February does not exist: February has 28 days' });
  assert.deepEqual(readDay('31/04/2026', 'DD/MM/YYYY'), { problem: '31 April does not exist: April has 30 days' });
  assert.deepEqual(readDay('2027-02-29', 'YYYY-MM-DD'), { problem: '29 February 2027 does not exist: 2027 is not a leap year' });
  assert.deepEqual(readDay('29/02/2028', 'DD/MM/YYYY'), { day: '2028-02-29' });
  assert.deepEqual(readDay('00/03/2026', 'DD/MM/YYYY'), { problem: '0 March does not exist' });
});

test('anything else names the forms that are read under the format', () => {
  assert.deepEqual(readDay('5 Nov 2026', 'DD/MM/YYYY'), {
    problem: '"5 Nov 2026" is not a day: write it DD/MM/YYYY (as 05/11/2026) or YYYY-MM-DD (as 2026-11-05)',
  });
  assert.deepEqual(readDay('05/11/2026', 'YYYY-MM-DD'), { problem: '"05/11/2026" is not a day: write it YYYY-MM-DD (as 2026-11-05)' });
  assert.deepEqual(readDay('13/13/2026', 'MM/DD/YYYY'), {
    problem: '"13/13/2026" names month 13: a month is 1 to 12 (written MM/DD/YYYY (as 11/05/2026) or YYYY-MM-DD (as 2026-11-05))',
  });
});

test('a day is written in each format with two-digit day and month', () => {
  assert.equal(writeDay('2026-11-05', 'DD/MM/YYYY'), '05/11/2026');
  assert.equal(writeDay('2026-11-05', 'MM/DD/YYYY'), '11/05/2026');
  assert.equal(writeDay('2026-11-05', 'YYYY-MM-DD'), '2026-11-05');
  assert.equal(writeDay('2026-11-05T10:00:00.000Z', 'DD/MM/YYYY'), '05/11/2026', 'the day of a timestamp as written');
  for (const format of DATE_FORMATS) assert.deepEqual(readDay(writeDay('2026-11-05', format), format), { day: '2026-11-05' }, `${format} reads back`);
});
