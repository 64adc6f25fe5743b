import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Our custom search attributes: filter guardians, videos and reports in the Web UI. */
export const MODEL_NAME = defineSearchAttributeKey('ModelName', SearchAttributeType.KEYWORD);
export const LAST_ACTION = defineSearchAttributeKey('LastAction', SearchAttributeType.KEYWORD);
export const LAST_SEVERITY = defineSearchAttributeKey('LastSeverity', SearchAttributeType.KEYWORD);
/** "true" while a guardian waits for a person to approve or reject an action; "false" after. */
export const AWAITING_APPROVAL = defineSearchAttributeKey('AwaitingApproval', SearchAttributeType.KEYWORD);
/**
 * While a promotion watch runs on a guardian: when it ends (README "Watch after promotion");
 * cleared after. `WatchingPromotionUntil > "2026-01-01T00:00:00Z"` lists the models under watch.
 */
export const WATCHING_PROMOTION_UNTIL = defineSearchAttributeKey(
  'WatchingPromotionUntil',
  SearchAttributeType.DATETIME,
);
export const VIDEO_ID = defineSearchAttributeKey('VideoId', SearchAttributeType.KEYWORD);
export const REPORT_DATE = defineSearchAttributeKey('ReportDate', SearchAttributeType.KEYWORD);

/** name → type as `temporal server start-dev --search-attribute` and the operator API expect. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime'> = {
  [MODEL_NAME.name]: 'Keyword',
  [LAST_ACTION.name]: 'Keyword',
  [LAST_SEVERITY.name]: 'Keyword',
  [AWAITING_APPROVAL.name]: 'Keyword',
  [WATCHING_PROMOTION_UNTIL.name]: 'Datetime',
  [VIDEO_ID.name]: 'Keyword',
  [REPORT_DATE.name]: 'Keyword',
};
