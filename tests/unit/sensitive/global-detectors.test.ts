// Unit tests of the global detectors: cards, e-mail, IBAN, SSN, IP addresses, JWT, keys and tokens, and the
// field-name detectors (password, secret, bearer token in URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditCardDetector } from '../../../appliance/src/analyzers/sensitive/detectors/credit-card.detector.ts';
import { emailDetector } from '../../../appliance/src/analyzers/sensitive/detectors/email.detector.ts';
import { ibanDetector } from '../../../appliance/src/analyzers/sensitive/detectors/iban.detector.ts';
import { usSsnDetector } from '../../../appliance/src/analyzers/sensitive/detectors/us-ssn.detector.ts';
import { ipv4Detector } from '../../../appliance/src/analyzers/sensitive/detectors/ipv4.detector.ts';
import { ipv6Detector } from '../../../appliance/src/analyzers/sensitive/detectors/ipv6.detector.ts';
import { jwtDetector } from '../../../appliance/src/analyzers/sensitive/detectors/jwt.detector.ts';
import { privateKeyDetector } from '../../../appliance/src/analyzers/sensitive/detectors/private-key.detector.ts';
import { awsAccessKeyDetector } from '../../../appliance/src/analyzers/sensitive/detectors/aws-access-key.detector.ts';
import { githubTokenDetector } from '../../../appliance/src/analyzers/sensitive/detectors/github-token.detector.ts';
import { slackTokenDetector } from '../../../appliance/src/analyzers/sensitive/detectors/slack-token.detector.ts';
import { stripeKeyDetector } from '../../../appliance/src/analyzers/sensitive/detectors/stripe-key.detector.ts';
import { googleApiKeyDetector } from '../../../appliance/src/analyzers/sensitive/detectors/google-api-key.detector.ts';
import { passwordDetector } from '../../../appliance/src/analyzers/sensitive/detectors/password.detector.ts';
import { secretDetector } from '../../../appliance/src/analyzers/sensitive/detectors/secret.detector.ts';
import { bearerTokenInUrlDetector } from '../../../appliance/src/analyzers/sensitive/detectors/bearer-token-in-url.detector.ts';
import { LocationBit } from '../../../appliance/src/analyzers/sensitive/detector.types.ts';
import { reported, runDetector } from './tx.fixture.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'user-1', iat: 1700000000 })}.c2lnbmF0dXJl`;

test('credit_card: brand prefixes and lengths with Luhn', () => {
  for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000', '4012888888881881']) {
    assert.deepEqual(reported(creditCardDetector, n), [n], n);
  }
  assert.deepEqual(reported(creditCardDetector, '4111 1111 1111 1111'), ['4111111111111111']);
  assert.deepEqual(reported(creditCardDetector, '4111-1111-1111-1111'), ['4111111111111111']);
});

test('credit_card: bad Luhn, wrong length, UnionPay, timestamps and longer runs do not match', () => {
  for (const n of ['4111111111111112', '411111111111111', '5555555555554', '6200000000000005', '1700000000000', '41111111111111111', 'x4111111111111111']) {
    assert.deepEqual(reported(creditCardDetector, n), [], n);
  }
  assert.deepEqual(reported(creditCardDetector, '4111111111111111', 'order_no'), []);
  assert.ok(runDetector(creditCardDetector, '4111111111111111', 'cardNumber')[0].confidence > runDetector(creditCardDetector, '4111111111111111')[0].confidence);
});

test('email: addresses in text, canonical lower-case domain; image names and bad forms do not match', () => {
  assert.deepEqual(reported(emailDetector, 'mail Alice.Smith+x@Example.COM now'), ['Alice.Smith+x@example.com']);
  assert.deepEqual(reported(emailDetector, '联系邮箱：zhang.san@qq.com。'), ['zhang.san@qq.com']);
  assert.deepEqual(reported(emailDetector, 'icon@2x.png'), []);
  assert.deepEqual(reported(emailDetector, 'a..b@example.com'), []);
  assert.deepEqual(reported(emailDetector, 'user@localhost'), []);
  assert.deepEqual(reported(emailDetector, '@example.com'), []);
});

test('iban: compact and grouped; wrong checksum fails', () => {
  assert.deepEqual(reported(ibanDetector, 'IBAN GB82WEST12345698765432.'), ['GB82WEST12345698765432']);
  assert.deepEqual(reported(ibanDetector, 'DE89 3704 0044 0532 0130 00'), ['DE89370400440532013000']);
  assert.deepEqual(reported(ibanDetector, 'GB82WEST12345698765433'), []);
  assert.deepEqual(reported(ibanDetector, 'XX82WEST12345698765432'), []);
});

test('us_ssn: dashed form and area/group/serial rules; plain digits only with a hint', () => {
  assert.deepEqual(reported(usSsnDetector, 'SSN 123-45-6789'), ['123-45-6789']);
  for (const s of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-6789', '123-45-0000', '123 45 6789', '1234-5-6789', '123-45-67890']) {
    assert.deepEqual(reported(usSsnDetector, s), [], s);
  }
  assert.deepEqual(reported(usSsnDetector, '123456789'), []);
  assert.deepEqual(reported(usSsnDetector, '123456789', 'ssn'), ['123-45-6789']);
});

test('ipv4: in bodies, valid octets; versions, user agents and longer dotted numbers do not match', () => {
  assert.deepEqual(reported(ipv4Detector, 'client 192.168.1.10 connected'), ['192.168.1.10']);
  assert.deepEqual(reported(ipv4Detector, 'http://10.0.0.1/x'), ['10.0.0.1']);
  assert.deepEqual(reported(ipv4Detector, '1.2.3.4', 'version'), []);
  assert.deepEqual(reported(ipv4Detector, '1.2.3.4', 'appVer'), []);
  for (const s of ['Chrome/120.0.0.0', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'v1.2.3.4', '0.0.0.0', '1.2.3']) assert.deepEqual(reported(ipv4Detector, s), [], s);
  assert.equal(ipv4Detector.locations & LocationBit.header, 0, 'not run on headers');
  assert.notEqual(ipv4Detector.locations & LocationBit.json, 0);
  assert.ok(runDetector(ipv4Detector, '10.1.2.3', 'clientIp')[0].confidence > runDetector(ipv4Detector, '10.1.2.3')[0].confidence);
});

test('ipv6: full and compressed forms; times, MACs and C++ scopes do not match', () => {
  assert.deepEqual(reported(ipv6Detector, 'from 2001:db8::1 ok'), ['2001:db8::1']);
  assert.deepEqual(reported(ipv6Detector, 'FE80::1FF:FE23:4567:890A'), ['fe80::1ff:fe23:4567:890a']);
  assert.deepEqual(reported(ipv6Detector, '2001:0db8:85a3:0000:0000:8a2e:0370:7334'), ['2001:0db8:85a3:0000:0000:8a2e:0370:7334']);
  assert.deepEqual(reported(ipv6Detector, '::ffff:192.168.1.1'), ['::ffff:192.168.1.1']);
  for (const s of ['12:30:45', '00:1a:2b:3c:4d:5e', 'std::vector', '::', '1::2::3', '2001:db8:85a3:0:0:8a2e:370', '12345::1']) assert.deepEqual(reported(ipv6Detector, s), [], s);
});

test('jwt: three parts with a JSON header carrying alg; fingerprinted', () => {
  const m = runDetector(jwtDetector, `Bearer ${JWT}`);
  assert.equal(m.length, 1);
  assert.equal(m[0].value, JWT);
  assert.match(m[0].masked, /^sha256:[0-9a-f]{16}$/);
  assert.deepEqual(reported(jwtDetector, `${b64({ notalg: 1 })}.${b64({ sub: 1 })}.sig`), []);
  assert.deepEqual(reported(jwtDetector, `eyJub3QganNvbg.${b64({ sub: 1 })}.sig`), []);
  assert.deepEqual(reported(jwtDetector, `${b64({ alg: 'HS256' })}.${b64({ sub: 1 })}`), [], 'two parts');
});

test('private_key: PEM block through its END line; public keys do not match', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';
  const m = runDetector(privateKeyDetector, `key: ${pem}\nrest`);
  assert.equal(m.length, 1);
  assert.equal(m[0].value, pem);
  assert.deepEqual(reported(privateKeyDetector, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn'), ['-----BEGIN OPENSSH PRIVATE KEY-----']);
  assert.deepEqual(reported(privateKeyDetector, '-----BEGIN PUBLIC KEY-----\nMFww\n-----END PUBLIC KEY-----'), []);
});

test('cloud and platform keys: documented formats only', () => {
  assert.deepEqual(reported(awsAccessKeyDetector, 'AKIAIOSFODNN7EXAMPLE'), ['AKIAIOSFODNN7EXAMPLE']);
  assert.deepEqual(reported(awsAccessKeyDetector, 'ASIAIOSFODNN7EXAMPLE'), ['ASIAIOSFODNN7EXAMPLE']);
  for (const s of ['AKIAIOSFODNN7EXAMPL', 'AKIAIOSFODNN7EXAMPLEX', 'AKIA1OSFODNN7EXAMPLE', 'akiaiosfodnn7example']) assert.deepEqual(reported(awsAccessKeyDetector, s), [], s);
  const gh = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5';
  assert.equal(gh.length, 40);
  assert.deepEqual(reported(githubTokenDetector, `token ${gh}`), [gh]);
  assert.deepEqual(reported(githubTokenDetector, gh.slice(0, 39)), []);
  assert.deepEqual(reported(githubTokenDetector, 'ghx_' + gh.slice(4)), []);
  const pat = 'github_pat_11ABCDEFG0123456789abc_' + 'x'.repeat(59);
  assert.deepEqual(reported(githubTokenDetector, pat), [pat]);
  const slack = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';
  assert.deepEqual(reported(slackTokenDetector, slack), [slack]);
  assert.deepEqual(reported(slackTokenDetector, 'xoxz-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'), []);
  const sk = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
  assert.deepEqual(reported(stripeKeyDetector, sk), [sk]);
  assert.deepEqual(reported(stripeKeyDetector, 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'), []);
  assert.deepEqual(reported(stripeKeyDetector, 'sk_live_short'), []);
  const g = 'AIza' + 'SyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tUvW';
  assert.equal(g.length, 39);
  assert.deepEqual(reported(googleApiKeyDetector, `key=${g}`), [g]);
  assert.deepEqual(reported(googleApiKeyDetector, g + 'x'), []);
});

test('password: by field name, non-empty and not a placeholder', () => {
  assert.deepEqual(reported(passwordDetector, 'hunter2', 'password'), ['hunter2']);
  assert.deepEqual(reported(passwordDetector, 'Pa55!', 'user_pwd'), ['Pa55!']);
  assert.deepEqual(reported(passwordDetector, '123456', '登录密码'), ['123456']);
  assert.deepEqual(reported(passwordDetector, 'q', 'passwd'), ['q']);
  for (const v of ['', '******', 'xxxxxx', '••••', 'true', 'null']) assert.deepEqual(reported(passwordDetector, v, 'password'), [], v);
  assert.deepEqual(reported(passwordDetector, 'hunter2', 'username'), []);
  assert.deepEqual(reported(passwordDetector, 'true', 'passwordExpired'), []);
  assert.match(runDetector(passwordDetector, 'hunter2', 'password')[0].masked, /^sha256:/);
});

test('secret: by field name, scheme stripped, pagination tokens and short values excluded', () => {
  assert.deepEqual(reported(secretDetector, 'abcdef123456', 'client_secret'), ['abcdef123456']);
  assert.deepEqual(reported(secretDetector, 'Bearer abcdef123456', 'authorization', 'header'), ['abcdef123456']);
  assert.deepEqual(reported(secretDetector, 'abcdef123456', 'X-API-Key', 'header'), ['abcdef123456']);
  assert.deepEqual(reported(secretDetector, 'k3y-v4lue', '密钥'), ['k3y-v4lue']);
  assert.deepEqual(reported(secretDetector, 'abcdef123456', 'nextPageToken'), []);
  assert.deepEqual(reported(secretDetector, 'abc', 'token'), []);
  assert.deepEqual(reported(secretDetector, '3600', 'access_token'), []);
  assert.deepEqual(reported(secretDetector, 'abcdef123456', 'access_token', 'query'), [], 'URL tokens are bearer_token_in_url');
});

test('bearer_token_in_url: token query parameters and URLs with tokens inside other values', () => {
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'abcdef123456', 'access_token', 'query'), ['abcdef123456']);
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'abcdef123456', 'api_key', 'query'), ['abcdef123456']);
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'abc', 'token', 'query'), []);
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'https://x.example/cb?code=1&access_token=zzzz9999yyyy', 'callback'), ['zzzz9999yyyy']);
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'https://x.example/?page=2&sort=asc', 'referer', 'header'), []);
  assert.deepEqual(reported(bearerTokenInUrlDetector, 'abcdef123456', 'access_token', 'json'), [], 'a JSON field is not a URL');
});
