/**
 * A local service could not be provisioned or started. The message says what to install
 * or set; callers print it without a stack trace.
 */
export class LocalServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalServiceError';
  }
}
