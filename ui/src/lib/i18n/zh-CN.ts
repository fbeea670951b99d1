// 简体中文 UI strings, same keys and placeholders as en.ts.
import type { MessageKey } from './en.ts';

export const zhCN: Record<MessageKey, string> = {
  'app.name': 'API Radar',
  'app.tagline': '被动式 API 安全监测',
  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.cancel': '取消',
  'common.save': '保存',
  'common.back': '上一步',
  'common.next': '下一步',
  'common.close': '关闭',
  'common.language': '语言',
  'common.theme.light': '浅色主题',
  'common.theme.dark': '深色主题',
  'common.notFound': '页面不存在。',
  'error.network': '设备没有响应，请检查网络连接后重试。',
  'error.unexpected': '出现错误（{code}）。',
  'error.unauthorized': '会话已结束，请重新登录。',
  'error.forbidden': '您的角色无权执行此操作。',
};
