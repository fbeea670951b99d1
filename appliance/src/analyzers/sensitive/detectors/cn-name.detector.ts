/**
 * Chinese personal name (姓名), only where the field name says name (name, realName, receiver, consignee, 姓名,
 * 收货人, ...) and the value is 2-4 Han characters starting with a common single or compound surname. Nicknames
 * are not names.
 */
import type { SensitiveDetector } from '../detector.types.ts';
import { ALL_LOCATIONS } from '../detector.types.ts';
import { Feature } from '../text.features.ts';
import { FieldHint } from '../field.hints.ts';
import { pushMatch } from '../detector.helpers.ts';

const SINGLE = new Set(
  ('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖' +
    '贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章' +
    '鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟' +
    '艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄' +
    '丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练' +
    '廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉' +
    '银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由').split(''),
);
const COMPOUND = new Set(['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '长孙', '宇文', '司徒', '夏侯', '轩辕', '端木', '独孤', '南宫', '西门', '百里', '呼延', '闻人', '申屠', '澹台', '太史', '万俟']);

function isHan(c: number): boolean {
  return c >= 0x4e00 && c <= 0x9fff;
}

/** True when `v` is 2-4 Han characters with a known surname (compound surnames need a given name after them). */
export function looksLikeChineseName(v: string): boolean {
  if (v.length < 2 || v.length > 4) return false;
  for (let i = 0; i < v.length; i++) if (!isHan(v.charCodeAt(i))) return false;
  if (v.length >= 3 && COMPOUND.has(v.slice(0, 2))) return true;
  return SINGLE.has(v[0]);
}

/** The `cn_name` detector. */
export const cnNameDetector: SensitiveDetector = {
  id: 'cn_name',
  label: { en: 'Chinese personal name', zh: '姓名' },
  defaultLevel: 3,
  kind: 'field',
  secret: false,
  locations: ALL_LOCATIONS,
  prefilter: null,
  triggerHints: FieldHint.Name,
  find(text, ctx, out) {
    if ((ctx.hints & FieldHint.Name) === 0 || (ctx.features.mask & Feature.Han) === 0) return 0;
    const v = text.trim();
    if (!looksLikeChineseName(v)) return 0;
    return pushMatch(out, 'cn_name', v, 0, text.length, 0.85);
  },
};
