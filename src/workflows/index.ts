// Every workflow the worker registers. Workflow code only: no activities' implementations.
export * from './video-analysis';
export * from './daily-report';
export * from './guardian';
export * from './fleet-alarms';
