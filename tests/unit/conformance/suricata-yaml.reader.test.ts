// Unit tests of the YAML subset reader used for suricata-verify test.yaml files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlSubset, yamlScalar } from '../../../scripts/conformance/suricata-yaml.reader.ts';

test('yaml: mappings, sequences at the key indentation, nested filters and comments', () => {
  const doc = parseYamlSubset(
    [
      '# disables checksum verification',
      'requires:',
      '  min-version: 7',
      '',
      'args:',
      '- -k none',
      '- --set stream.midstream=true   # trailing comment',
      'checks:',
      '  - filter:',
      '      requires:',
      '        lt-version: 8.0',
      '      count: 1',
      '      match:',
      '        event_type: http',
      '        http.url: "/a#b"',
      "        http.hostname: 'it''s'",
      '        http:',
      '          status: 200',
      '  - shell:',
      '      args: |',
      '        test -f x',
      '        echo ok',
    ].join('\n'),
  );
  assert.deepEqual(doc, {
    requires: { 'min-version': 7 },
    args: ['-k none', '--set stream.midstream=true'],
    checks: [
      {
        filter: {
          requires: { 'lt-version': 8 },
          count: 1,
          match: { event_type: 'http', 'http.url': '/a#b', 'http.hostname': "it's", http: { status: 200 } },
        },
      },
      { shell: { args: 'test -f x\necho ok\n' } },
    ],
  });
});

test('yaml: plain scalars folded over lines, URLs with colons stay values', () => {
  const doc = parseYamlSubset(
    ['match:', '  http.http_user_agent: Mozilla/5.0 (Windows; U; Windows NT 5.1)', '    Gecko/2008 Firefox/3.0b5', '  http.http_refer: http://x/y?a=b', '  http.url: host.example:443'].join('\n'),
  );
  assert.deepEqual(doc, {
    match: { 'http.http_user_agent': 'Mozilla/5.0 (Windows; U; Windows NT 5.1) Gecko/2008 Firefox/3.0b5', 'http.http_refer': 'http://x/y?a=b', 'http.url': 'host.example:443' },
  });
});

test('yaml: scalar typing', () => {
  assert.equal(yamlScalar('200'), 200);
  assert.equal(yamlScalar('-3'), -3);
  assert.equal(yamlScalar('4.5'), 4.5);
  assert.equal(yamlScalar('7.0.12'), '7.0.12');
  assert.equal(yamlScalar('true'), true);
  assert.equal(yamlScalar('~'), null);
  assert.equal(yamlScalar("'1b'"), '1b');
  assert.equal(yamlScalar('"a\\tb"'), 'a\tb');
  assert.deepEqual(yamlScalar('[1, two]'), [1, 'two']);
});

test('yaml: empty or unreadable documents give null', () => {
  assert.equal(parseYamlSubset(''), null);
  assert.equal(parseYamlSubset('# only a comment\n'), null);
});
