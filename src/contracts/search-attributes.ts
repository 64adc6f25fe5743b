import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Our custom search attributes: filter guardians, videos and reports in the Web UI. */
export const MODEL_NAME = defineSearchAttributeKey('ModelName', SearchAttributeType.KEYWORD);
export const LAST_ACTION = defineSearchAttributeKey('LastAction', SearchAttributeType.KEYWORD);
export const LAST_SEVERITY = defineSearchAttributeKey('LastSeverity', SearchAttributeType.KEYWORD);
/** "true" while a guardian waits for a person to approve or reject an action; "false" after. */
export const AWAITING_APPROVAL = defineSearchAttributeKey('AwaitingApproval', SearchAttributeType.KEYWORD);
export const VIDEO_ID = defineSearchAttributeKey('VideoId', SearchAttributeType.KEYWORD);
export const REPORT_DATE = defineSearchAttributeKey('ReportDate', SearchAttributeType.KEYWORD);

/** name → type as `temporal server start-dev --search-attribute` and the operator API expect. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  [MODEL_NAME.name]: 'Keyword',
  [LAST_ACTION.name]: 'Keyword',
  [LAST_SEVERITY.name]: 'Keyword',
  [AWAITING_APPROVAL.name]: 'Keyword',
  [VIDEO_ID.name]: 'Keyword',
  [REPORT_DATE.name]: 'Keyword',
};
