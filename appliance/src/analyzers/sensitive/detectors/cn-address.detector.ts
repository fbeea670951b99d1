/**
 * Chinese postal address (地址), only where the field name says address (address, addr, receiverAddress, 地址,
 * 住址, ... but not ipAddress, macAddress, emailAddress) and the value is mostly Han text of 6-200 characters
 * with an administrative unit (省/市/区/县/镇/乡/村/州/旗) and a street-level part (路/街/道/巷/弄/号/楼/室/栋/
 * 单元/小区/大厦).
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { pushMatch } from '../detector.helpers.ts';

const ADMIN = /[省市区县镇乡村州旗]/;
const STREET = /[路街道巷弄号楼室栋]|单元|小区|大厦|胡同|园区/;

/** True when `v` reads as a Chinese address. */
export function looksLikeChineseAddress(v: string): boolean {
  if (v.length < 6 || v.length > 200) return false;
  let han = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) han++;
  }
  return han * 2 >= v.length && ADMIN.test(v) && STREET.test(v);
}

/** The `cn_address` detector. */
export const cnAddressDetector: SensitiveDetector = {
  id: 'cn_address',
  label: { en: 'Chinese address', zh: '地址' },
  defaultLevel: 3,
  kind: 'field',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: null,
  triggerHints: FieldHint.Address,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Address) === 0 || (ctx.features.mask & Feature.Han) === 0) return 0;
    const v = text.trim();
    if (!looksLikeChineseAddress(v)) return 0;
    return pushMatch(out, 'cn_address', v, 0, text.length, 0.85);
  },
};
