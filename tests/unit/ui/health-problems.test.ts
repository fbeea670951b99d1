// Every health problem code the service can report has a message in both UI catalogues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEALTH_PROBLEM_CODES } from '../../../appliance/src/services/health.problems.ts';
import { en } from '../../../ui/src/lib/i18n/en.ts';
import { zhCN } from '../../../ui/src/lib/i18n/zh-CN.ts';

test('each health problem code has an English and a Chinese message', () => {
  for (const code of HEALTH_PROBLEM_CODES) {
    assert.ok(`health.problem.${code}` in en, `en: ${code}`);
    assert.ok(`health.problem.${code}` in zhCN, `zh-CN: ${code}`);
  }
});
