import type { AlertRequest } from '../../contracts/guardian-activities';

const MAX_ANNOTATION_CHARS = 1000;

function annotation(annotations: Record<string, unknown>, name: string): string | undefined {
  const value = annotations[name];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  return text.length > MAX_ANNOTATION_CHARS ? `${text.slice(0, MAX_ANNOTATION_CHARS - 1)}…` : text;
}

/**
 * An alert answering a Prometheus alert says what the rule's author wrote: its `summary` joins
 * the title and its `summary` and `description` open the message, before our decision's reason.
 * The bridge carries them in the event's `metrics.annotations` (README "Kafka bridge"); any other
 * alert is returned as it was. Done here, not in the workflow, because it is wording for people
 * and the same for every retry of the delivery.
 */
export function withAlertAnnotations(request: AlertRequest): AlertRequest {
  const metrics = request.sourceEvent?.metrics;
  if (typeof metrics !== 'object' || metrics === null) return request;
  const annotations = (metrics as { annotations?: unknown }).annotations;
  if (typeof annotations !== 'object' || annotations === null) return request;
  const summary = annotation(annotations as Record<string, unknown>, 'summary');
  const description = annotation(annotations as Record<string, unknown>, 'description');
  if (!summary && !description) return request;
  const said = [summary && `Summary: ${summary}`, description && `Description: ${description}`]
    .filter(Boolean)
    .join('\n');
  return {
    ...request,
    title: summary ? `${request.title}: ${summary}` : request.title,
    message: `${said}\n${request.message}`,
  };
}
