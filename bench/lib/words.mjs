// Word lists for the benchmark corpus generator. Plain domain vocabulary; no word here
// contains "alova" so that only planted code mentions it.

export const NOUNS = [
  'user', 'order', 'invoice', 'cart', 'product', 'catalog', 'payment', 'shipment', 'address',
  'profile', 'account', 'session', 'team', 'member', 'project', 'task', 'ticket', 'comment',
  'review', 'rating', 'coupon', 'discount', 'report', 'metric', 'chart', 'dashboard', 'setting',
  'preference', 'notification', 'message', 'thread', 'channel', 'document', 'upload', 'asset',
  'image', 'video', 'playlist', 'article', 'post', 'tag', 'category', 'search', 'inventory',
  'warehouse', 'supplier', 'vendor', 'contract', 'subscription', 'plan', 'billing', 'receipt',
  'refund', 'audit', 'event', 'schedule', 'calendar', 'booking', 'reservation', 'room', 'device',
  'sensor', 'alert', 'region', 'locale', 'currency', 'tax', 'ledger', 'budget', 'forecast',
  'lead', 'deal', 'campaign', 'survey', 'feedback', 'badge', 'reward', 'wallet', 'transfer',
  'course', 'lesson', 'quiz', 'grade', 'patient', 'visit', 'claim', 'policy', 'quote', 'route',
];

export const QUALIFIERS = [
  'active', 'archived', 'pending', 'recent', 'shared', 'primary', 'draft', 'public', 'private',
  'scheduled', 'featured', 'filtered', 'paged', 'cached', 'remote', 'local', 'bulk', 'quick',
  'detailed', 'compact', 'nested', 'default', 'custom', 'legacy', 'secure', 'weekly', 'daily',
];

export const COMPONENT_SUFFIXES = [
  'Card', 'List', 'ListItem', 'Table', 'Row', 'Form', 'Modal', 'Panel', 'Header', 'Footer',
  'Badge', 'Avatar', 'Toolbar', 'Sidebar', 'Summary', 'Chart', 'Filter', 'Picker', 'Editor',
  'View', 'Banner', 'Tabs', 'Skeleton', 'EmptyState', 'Details', 'Preview',
];

export const VERBS = [
  'format', 'parse', 'normalize', 'validate', 'compute', 'build', 'merge', 'sort', 'group',
  'resolve', 'encode', 'decode', 'serialize', 'compare', 'clamp', 'round', 'slugify', 'sanitize',
  'summarize', 'diff', 'pick', 'index', 'rank', 'score', 'collect', 'split', 'label',
];

export const FIELD_TYPES = [
  'string', 'number', 'boolean', 'Date', 'string[]', 'number[]', 'Record<string, number>',
  "'open' | 'closed' | 'pending'", 'string | null', 'Array<{ id: string; value: number }>',
  'Map<string, string>', 'ReadonlyArray<string>', '{ min: number; max: number }', 'unknown',
];

export const SENTENCE_WORDS = [
  'keeps', 'the', 'list', 'in', 'sync', 'with', 'server', 'state', 'and', 'avoids', 'extra',
  'renders', 'when', 'nothing', 'changed', 'values', 'are', 'cached', 'per', 'page', 'load',
  'see', 'ticket', 'for', 'details', 'this', 'is', 'intentionally', 'simple', 'until', 'we',
  'migrate', 'rest', 'of', 'module', 'note', 'that', 'order', 'matters', 'here', 'because',
  'callers', 'rely', 'on', 'stable', 'ids', 'legacy', 'path', 'still', 'used', 'by', 'admin',
];

export const HTTP_PATHS = [
  '/user', '/me', '/orders', '/cart', '/profile', '/settings', '/notifications', '/invoices',
  '/products', '/search', '/teams', '/projects', '/tickets', '/reports', '/subscriptions',
];

export const HOSTS = [
  'https://api.example.com', 'https://gateway.example.com/v2', 'https://internal.example.net/api',
  'https://example.org/api/v1', 'http://localhost:8080', 'https://edge.example.com',
];
