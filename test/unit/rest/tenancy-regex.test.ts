import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regexWithinPrefixes } from '../../../host/rest/tenancy.ts';

void test('a topics.regex stays inside a tenant\'s prefixes only when it starts with one literally', () => {
  const ok = (re: string, prefixes: string[]): void => assert.equal(regexWithinPrefixes(re, prefixes), true, re);
  const no = (re: string, prefixes: string[]): void => assert.equal(regexWithinPrefixes(re, prefixes), false, re);
  ok('dbserver1.inventory.*', ['dbserver1']);
  ok('^dbserver1\\.inventory\\..*', ['dbserver1.']);
  ok('acme\\.(orders|items)', ['acme.']);
  ok('acme\\.[a-z]+', ['acme.']);
  no('acme.orders', ['acme.'], );
  no('acme\\.orders|globex\\..*', ['acme.']);
  no('(acme\\..*)|(globex\\..*)', ['acme.']);
  no('acme?\\..*', ['acme.']);
  no('acm[e]\\..*', ['acme.']);
  no('.*', ['acme.']);
  no('\\Qacme.\\E.*', ['acme.']);
  ok('acme\\.x{0,1}', ['acme.']);
  no('acme\\.x{0,1}', ['acme.x']);
});
