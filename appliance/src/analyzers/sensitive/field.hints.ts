/**
 * Field-name hints: what a field, parameter, header or cookie name says about its value (`idCard`, `mobile`,
 * `身份证`, `password`, `orderNo`, `version`, ...). Names are normalised (ASCII lower case, `_ - . space` removed)
 * and classified into {@link FieldHint} bits; results are cached because the same names recur in every call.
 */

/** What a field name suggests. Type bits raise a matching detector's confidence; NotSensitive lowers all. */
export const FieldHint = {
  IdCard: 1 << 0,
  Mobile: 1 << 1,
  Landline: 1 << 2,
  BankCard: 1 << 3,
  Passport: 1 << 4,
  Permit: 1 << 5,
  Name: 1 << 6,
  Address: 1 << 7,
  Password: 1 << 8,
  Secret: 1 << 9,
  Email: 1 << 10,
  Ssn: 1 << 11,
  Ip: 1 << 12,
  Uscc: 1 << 13,
  Plate: 1 << 14,
  Iban: 1 << 15,
  /** A name that carries a bearer credential when it appears in a URL (access_token, token, api_key, ...). */
  UrlToken: 1 << 16,
  /** A version field: dotted numbers in it are versions, not IP addresses. */
  Version: 1 << 17,
  /** An identifier, counter, amount or time field (orderNo, traceId, timestamp, ...): look-alikes live here. */
  NotSensitive: 1 << 18,
} as const;

/** All the bits that name a data type (everything but Version and NotSensitive). */
export const TYPE_HINTS = (1 << 17) - 1;

type Rule = readonly [mode: 'exact' | 'suffix' | 'contains', text: string, bits: number];

const H = FieldHint;
const PHONE = H.Mobile | H.Landline;

const RULES: readonly Rule[] = [
  ['contains', 'idcard', H.IdCard],
  ['contains', 'identitycard', H.IdCard],
  ['contains', 'identityno', H.IdCard],
  ['contains', 'identitynum', H.IdCard],
  ['suffix', 'idno', H.IdCard],
  ['suffix', 'idnum', H.IdCard],
  ['suffix', 'idnumber', H.IdCard],
  ['suffix', 'certno', H.IdCard],
  ['suffix', 'certnum', H.IdCard],
  ['suffix', 'certnumber', H.IdCard],
  ['suffix', 'certificateno', H.IdCard],
  ['suffix', 'certificatenumber', H.IdCard],
  ['suffix', 'credentialno', H.IdCard],
  ['exact', 'sfz', H.IdCard],
  ['exact', 'sfzh', H.IdCard],
  ['exact', 'sfzhm', H.IdCard],
  ['exact', 'zjhm', H.IdCard],
  ['suffix', 'citizenid', H.IdCard],
  ['suffix', 'residentid', H.IdCard],
  ['suffix', 'nationalid', H.IdCard],
  ['contains', '身份证', H.IdCard],
  ['contains', '证件号', H.IdCard],

  ['contains', 'mobile', H.Mobile],
  ['contains', 'cellphone', H.Mobile],
  ['contains', 'phone', PHONE],
  ['exact', 'tel', PHONE],
  ['suffix', 'tel', PHONE],
  ['suffix', 'telno', PHONE],
  ['exact', 'cell', H.Mobile],
  ['exact', 'sjh', H.Mobile],
  ['exact', 'sjhm', H.Mobile],
  ['contains', '手机', H.Mobile],
  ['contains', '电话', PHONE],
  ['contains', '联系方式', PHONE],
  ['contains', 'landline', H.Landline],
  ['contains', 'fax', H.Landline],
  ['contains', '座机', H.Landline],
  ['contains', '固话', H.Landline],
  ['contains', '传真', H.Landline],

  ['contains', 'bankcard', H.BankCard],
  ['contains', 'bankaccount', H.BankCard],
  ['contains', 'cardno', H.BankCard],
  ['contains', 'cardnum', H.BankCard],
  ['contains', 'debitcard', H.BankCard],
  ['contains', 'creditcard', H.BankCard],
  ['suffix', 'accountno', H.BankCard],
  ['suffix', 'acctno', H.BankCard],
  ['suffix', 'accno', H.BankCard],
  ['contains', 'ccnum', H.BankCard],
  ['exact', 'pan', H.BankCard],
  ['exact', 'card', H.BankCard],
  ['contains', '银行卡', H.BankCard],
  ['contains', '卡号', H.BankCard],
  ['contains', '银行账', H.BankCard],

  ['contains', 'passport', H.Passport],
  ['contains', '护照', H.Passport],
  ['contains', 'hkmacau', H.Permit],
  ['contains', 'gangao', H.Permit],
  ['contains', 'permit', H.Permit],
  ['contains', '通行证', H.Permit],

  ['suffix', 'password', H.Password],
  ['suffix', 'passwd', H.Password],
  ['suffix', 'pwd', H.Password],
  ['exact', 'pass', H.Password],
  ['suffix', 'passcode', H.Password],
  ['suffix', 'passphrase', H.Password],
  ['exact', 'pswd', H.Password],
  ['exact', 'mima', H.Password],
  ['contains', '密码', H.Password],
  ['contains', '口令', H.Password],

  ['suffix', 'secret', H.Secret],
  ['suffix', 'secretkey', H.Secret],
  ['suffix', 'privatekey', H.Secret],
  ['suffix', 'signingkey', H.Secret],
  ['suffix', 'encryptionkey', H.Secret],
  ['suffix', 'masterkey', H.Secret],
  ['suffix', 'credential', H.Secret],
  ['suffix', 'credentials', H.Secret],
  ['suffix', 'apikey', H.Secret | H.UrlToken],
  ['suffix', 'token', H.Secret | H.UrlToken],
  ['exact', 'jwt', H.Secret | H.UrlToken],
  ['exact', 'auth', H.Secret | H.UrlToken],
  ['exact', 'authorization', H.Secret],
  ['exact', 'proxyauthorization', H.Secret],
  ['exact', 'session', H.Secret],
  ['exact', 'sessionid', H.Secret | H.UrlToken],
  ['exact', 'jsessionid', H.Secret | H.UrlToken],
  ['exact', 'phpsessid', H.Secret | H.UrlToken],
  ['exact', 'aspnetsessionid', H.Secret],
  ['exact', 'connectsid', H.Secret],
  ['contains', '密钥', H.Secret],
  ['contains', '秘钥', H.Secret],
  ['contains', '私钥', H.Secret],
  ['contains', '令牌', H.Secret],

  ['contains', 'email', H.Email],
  ['exact', 'mail', H.Email],
  ['contains', '邮箱', H.Email],
  ['contains', '电子邮件', H.Email],
  ['exact', 'ssn', H.Ssn],
  ['suffix', 'ssn', H.Ssn],
  ['contains', 'socialsecurity', H.Ssn],
  ['exact', 'ip', H.Ip],
  ['suffix', 'ip', H.Ip],
  ['contains', 'ipaddr', H.Ip],
  ['contains', 'ipv4', H.Ip],
  ['contains', 'ipv6', H.Ip],
  ['suffix', 'remoteaddr', H.Ip],
  ['contains', 'creditcode', H.Uscc],
  ['contains', 'uscc', H.Uscc],
  ['suffix', 'taxno', H.Uscc],
  ['suffix', 'taxid', H.Uscc],
  ['suffix', 'taxpayerid', H.Uscc],
  ['contains', '信用代码', H.Uscc],
  ['contains', '税号', H.Uscc],
  ['contains', '纳税人识别号', H.Uscc],
  ['contains', 'plate', H.Plate],
  ['suffix', 'carno', H.Plate],
  ['suffix', 'vehicleno', H.Plate],
  ['contains', '车牌', H.Plate],
  ['contains', 'iban', H.Iban],

  ['contains', 'version', H.Version],
  ['exact', 'ver', H.Version],
  ['exact', 'v', H.Version],
  ['suffix', 'ver', H.Version],
  ['contains', '版本', H.Version],
];

const NAME_EXACT = new Set([
  'name', 'realname', 'fullname', 'truename', 'username', 'customername', 'custname', 'receiver', 'receivername',
  'consignee', 'consigneename', 'contactname', 'contactperson', 'contact', 'linkman', 'holdername', 'cardholder',
  'cardholdername', 'accountname', 'acctname', 'patientname', 'studentname', 'employeename', 'personname', 'xm',
  'ownername', 'payername', 'payeename', 'applicantname', 'guestname', 'passengername', 'buyername', 'membername',
  'firstname', 'lastname', 'surname', 'givenname', 'legalperson', 'legalrepresentative',
]);
const NAME_SUFFIX = ['realname', 'fullname', 'truename', 'receivername', 'consigneename', 'contactname', 'holdername', 'customername', 'patientname', 'personname'];
const NAME_HAN = ['姓名', '收货人', '收件人', '联系人', '持卡人', '户名', '名字', '法人', '法定代表人'];

const ADDRESS_HAN = ['地址', '住址', '住所', '户籍', '居住地'];
const ADDRESS_NOT_PREFIX = [
  'ip', 'mac', 'email', 'mail', 'remote', 'local', 'server', 'host', 'wallet', 'contract', 'client', 'peer', 'bind',
  'listen', 'web', 'proxy', 'gateway', 'network', 'net', 'broadcast', 'mem', 'base', 'start', 'end', 'return', 'physical',
  'virtual', 'url', 'callback', 'redirect',
];

const NOT_SENSITIVE_EXACT = new Set(['id', 'ts', 'exp', 'iat', 'nbf', 'sn', 'seq', 'no', 'code', 'uuid', 'hash', 'md5', 'sha1', 'sha256', 'etag', 'nonce', 'sign', 'signature', 'page', 'size', 'limit', 'offset', 'total', 'count']);
const NOT_SENSITIVE_SUFFIX = [
  'orderid', 'orderno', 'ordernumber', 'ordersn', 'tradeno', 'transactionid', 'txnid', 'traceid', 'spanid', 'requestid',
  'timestamp', 'time', 'date', 'serialno', 'seqno', 'trackingno', 'waybillno', 'sku', 'skuid', 'barcode', 'isbn', 'upc',
  'amount', 'price', 'count', 'total', 'pagesize', 'nonce', 'productid', 'goodsid', 'itemid', 'msgid', 'messageid',
  'createdat', 'updatedat', 'duration', 'latency', 'checksum', 'expiresin',
];
const TOKEN_NOT = new Set(['pagetoken', 'nextpagetoken', 'nexttoken', 'continuationtoken', 'synctoken', 'cursortoken', 'csrftoken', 'xsrftoken', 'xcsrftoken', 'xxsrftoken', 'csrfmiddlewaretoken', 'publickey', 'tokentype']);

/** Lower-cases ASCII letters and drops `_ - . space` (so `ID_Card-No` → `idcardno`). */
export function normalizeFieldName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c === 95 || c === 45 || c === 46 || c === 32) continue;
    if (c >= 65 && c <= 90) c += 32;
    out += String.fromCharCode(c);
  }
  return out;
}

function classifyNormalized(n: string): number {
  if (n.length === 0) return 0;
  let bits = 0;
  for (const [mode, text, b] of RULES) {
    if (mode === 'exact' ? n === text : mode === 'suffix' ? n.endsWith(text) : n.includes(text)) bits |= b;
  }
  if ((bits & H.Secret) !== 0 && TOKEN_NOT.has(n)) bits &= ~(H.Secret | H.UrlToken);
  if (n === 'nickname' || n.endsWith('nickname')) {
    // a nickname is chosen by the user, not a real name
  } else if (NAME_EXACT.has(n) || NAME_SUFFIX.some((s) => n.endsWith(s)) || NAME_HAN.some((s) => n.includes(s))) bits |= H.Name;
  if ((n.includes('address') || n.endsWith('addr') || n === 'residence' || n === 'domicile' || ADDRESS_HAN.some((s) => n.includes(s))) &&
    !ADDRESS_NOT_PREFIX.some((p) => n.startsWith(p)) && !n.includes('ip地址') && !n.includes('邮箱') && !n.includes('网址')) bits |= H.Address;
  if (NOT_SENSITIVE_EXACT.has(n) || NOT_SENSITIVE_SUFFIX.some((s) => n.endsWith(s))) {
    if ((bits & TYPE_HINTS) === 0) bits |= H.NotSensitive;
  }
  return bits;
}

const CACHE_LIMIT = 8192;
const cache = new Map<string, number>();

/** {@link FieldHint} bits for a field, parameter, header or cookie name (cached). */
export function classifyField(name: string): number {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const bits = name.length > 64 ? 0 : classifyNormalized(normalizeFieldName(name));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, bits);
  return bits;
}

const SLOTS = 4096;
const MAX_CACHED_KEY = 64;

/**
 * {@link classifyField} for a name given as a range of a larger text (a JSON key), without creating a string when
 * the name was seen before: an FNV-1a hash picks a slot and the stored name is compared in place.
 */
export class KeyHintCache {
  private readonly names: Array<string | null> = new Array<string | null>(SLOTS).fill(null);
  private readonly bits = new Int32Array(SLOTS);

  /** Hints of the name `text[start, end)`. */
  lookup(text: string, start: number, end: number): number {
    const len = end - start;
    if (len === 0 || len > MAX_CACHED_KEY) return 0;
    let h = 0x811c9dc5 ^ len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    const home = (h ^ (h >>> 15)) & (SLOTS - 1);
    let slot = home;
    for (let probe = 0; probe < 4; probe++) {
      const name = this.names[slot];
      if (name === null) break;
      if (name.length === len && text.startsWith(name, start)) return this.bits[slot];
      slot = (slot + 1) & (SLOTS - 1);
    }
    const name = text.slice(start, end);
    const bits = classifyField(name);
    if (this.names[slot] !== null) slot = home;
    this.names[slot] = name;
    this.bits[slot] = bits;
    return bits;
  }
}
