import { z } from 'zod';
import { booleanFlag, httpUrl, parseSettings, port, positiveInt, setting, SettingsValues } from './setting';

// "name@host" or "Name <name@host>": what nodemailer and every SMTP server accept.
const mailbox = z.string().regex(/^([^<>]*<)?[^\s@<>,]+@[^\s@<>,]+>?$/);
const mailboxList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(mailbox).min(1));

/**
 * Where alarms reach people (README "Alerting"): every channel is optional and any number may be
 * set at once. Kafka `system.alerts` gets every alarm whatever is set here.
 */
export const alertingSettings = {
  slackWebhookUrl: setting({
    env: 'ALERT_WEBHOOK_URL',
    schema: httpUrl.optional(),
    description: 'Slack-compatible incoming webhook (channel `slack`).',
    expects: 'an http(s) URL',
    secret: true,
  }),
  discordWebhookUrl: setting({
    env: 'ALERT_DISCORD_WEBHOOK_URL',
    schema: httpUrl.optional(),
    description: 'Discord webhook (channel `discord`).',
    expects: 'an http(s) URL',
    secret: true,
  }),
  jsonWebhookUrl: setting({
    env: 'ALERT_JSON_WEBHOOK_URL',
    schema: httpUrl.optional(),
    description: 'Any HTTP endpoint that takes the alarms as JSON (channel `webhook`).',
    expects: 'an http(s) URL',
    secret: true,
  }),
  smtpHost: setting({
    env: 'ALERT_SMTP_HOST',
    schema: z.string().min(1).optional(),
    description:
      'SMTP server for e-mail alarms (channel `email`); needs ALERT_EMAIL_FROM and ALERT_EMAIL_TO.',
    expects: 'a host name or address',
  }),
  smtpPort: setting({
    env: 'ALERT_SMTP_PORT',
    schema: port.default(587),
    description: 'Port of the SMTP server.',
    expects: 'a port from 1 to 65535',
    defaultText: '587',
  }),
  smtpSecure: setting({
    env: 'ALERT_SMTP_SECURE',
    schema: booleanFlag.default(false),
    description:
      'TLS from the first byte (port 465); false still upgrades with STARTTLS when the server offers it.',
    expects: 'true or false',
    defaultText: 'false',
  }),
  smtpUser: setting({
    env: 'ALERT_SMTP_USER',
    schema: z.string().min(1).optional(),
    description: 'SMTP user name, when the server wants a login.',
    expects: 'a user name',
  }),
  smtpPassword: setting({
    env: 'ALERT_SMTP_PASSWORD',
    schema: z.string().min(1).optional(),
    description: 'SMTP password for ALERT_SMTP_USER.',
    expects: 'a password',
    secret: true,
  }),
  emailFrom: setting({
    env: 'ALERT_EMAIL_FROM',
    schema: mailbox.optional(),
    description: 'Sender of e-mail alarms.',
    expects: 'an address, e.g. guardian@example.com or "Guardian <guardian@example.com>"',
  }),
  emailTo: setting({
    env: 'ALERT_EMAIL_TO',
    schema: mailboxList.optional(),
    description: 'Recipients of e-mail alarms.',
    expects: 'a comma-separated list of addresses',
  }),
  warningBatchSeconds: setting({
    env: 'ALERT_WARNING_BATCH_SECONDS',
    schema: positiveInt.default(300),
    description:
      'Warnings (priority high or medium) are collected and sent as one message per channel this often; critical alarms and duplicate jobs go at once, low ones into the daily report.',
    expects: 'a positive number of seconds',
    defaultText: '300',
  }),
  inhibitMinutes: setting({
    env: 'ALERT_INHIBIT_MINUTES',
    schema: z.coerce.number().int().min(0).max(1440).default(30),
    description:
      'A critical alarm for a model inhibits lower-priority alarms for the same model raised within this many minutes after it (recorded as inhibited, not sent); 0 turns inhibition off.',
    expects: 'an integer from 0 to 1440',
    defaultText: '30',
  }),
  groupWaitSeconds: setting({
    env: 'ALERT_GROUP_WAIT_SECONDS',
    schema: z.coerce.number().int().min(0).max(3600).default(0),
    description:
      'A critical alarm waits this long for others with the same model and event type, then the group goes out as one message listing all; 0 sends each critical alarm at once. Warnings are grouped by ALERT_WARNING_BATCH_SECONDS.',
    expects: 'an integer from 0 to 3600',
    defaultText: '0',
  }),
  groupIntervalSeconds: setting({
    env: 'ALERT_GROUP_INTERVAL_SECONDS',
    schema: z.coerce.number().int().min(0).max(86400).default(0),
    description:
      "Alertmanager's group_interval: a new group of critical alarms (same model and event type) goes out no sooner than this long after that key's last group, so a flapping model pages once per interval, not once per ALERT_GROUP_WAIT_SECONDS; 0 waits only ALERT_GROUP_WAIT_SECONDS. Used only when ALERT_GROUP_WAIT_SECONDS is above 0.",
    expects: 'an integer from 0 to 86400',
    defaultText: '0',
  }),
  deliveryAttempts: setting({
    env: 'ALERT_DELIVERY_ATTEMPTS',
    schema: z.coerce.number().int().min(1).max(20).default(4),
    description:
      'Attempts to deliver one message to one channel before it is recorded as undelivered (a rejected message, HTTP 4xx other than 408/425/429, is not tried again).',
    expects: 'an integer from 1 to 20',
    defaultText: '4',
  }),
  retryInitialSeconds: setting({
    env: 'ALERT_RETRY_INITIAL_SECONDS',
    schema: z.coerce.number().positive().default(1),
    description: 'Wait before the second delivery attempt; it doubles for each further one.',
    expects: 'a positive number of seconds',
    defaultText: '1',
  }),
  retryMaxSeconds: setting({
    env: 'ALERT_RETRY_MAX_SECONDS',
    schema: z.coerce.number().positive().default(10),
    description: 'Cap of the wait between two delivery attempts.',
    expects: 'a positive number of seconds',
    defaultText: '10',
  }),
};

export type AlertingConfig = SettingsValues<typeof alertingSettings>;

export function parseAlertingConfig(env: NodeJS.ProcessEnv) {
  const parsed = parseSettings(alertingSettings, env);
  const v = parsed.values;
  // E-mail needs all three; half a configuration would otherwise drop alarms without a word.
  if (v.smtpHost && (!v.emailFrom || !v.emailTo))
    parsed.errors.push('ALERT_SMTP_HOST is set: ALERT_EMAIL_FROM and ALERT_EMAIL_TO are required too');
  if (!v.smtpHost && (v.emailTo || v.smtpUser))
    parsed.errors.push('ALERT_EMAIL_TO / ALERT_SMTP_USER are set without ALERT_SMTP_HOST');
  if (v.smtpUser && !v.smtpPassword)
    parsed.errors.push('ALERT_SMTP_USER is set: ALERT_SMTP_PASSWORD is required too');
  return parsed;
}
