// Log analysis for the daily report: parsing, classification, aggregation, health. Pure.
export * from './aggregate';
export * from './chunk-plan';
export * from './daily-report';
export * from './error-classes';
export * from './health';
export * from './human-summary';
export * from './log-analyzer';
export * from './log-line';
export * from './normalize-message';
export * from './recommendations';
export * from './report-window';
export * from './slow-operations';
export * from './zoned-time';
