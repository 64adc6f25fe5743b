// Every workflow the worker registers. Workflow code only: no activities' implementations.
export * from './daily-report';
