import { DefaultLogger, Runtime } from '@temporalio/worker';

// Test output shows the SDK's warnings and errors only, not every worker state change.
Runtime.install({ logger: new DefaultLogger('WARN') });
