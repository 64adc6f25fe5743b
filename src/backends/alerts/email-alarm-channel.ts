import nodemailer from 'nodemailer';
import type { AlertingConfig } from '../../config/alerting';
import type { Alarm } from '../../contracts/alarms';
import { type AlarmChannel, PermanentDeliveryError } from './alarm-channel';
import { clip, digestTitle, plainText } from './alarm-text';

/** SMTP answers that mean "never": 5xx replies, a refused login, an address it will not take. */
function isRefusal(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return true;
  return e.code === 'EAUTH' || e.code === 'EENVELOPE';
}

export type EmailSettings = Pick<
  AlertingConfig,
  'smtpHost' | 'smtpPort' | 'smtpSecure' | 'smtpUser' | 'smtpPassword' | 'emailFrom' | 'emailTo'
>;

/** Alarms by e-mail over SMTP: one plain-text mail per message, to every ALERT_EMAIL_TO. */
export function createEmailAlarmChannel(settings: EmailSettings, timeoutMs: number): AlarmChannel {
  const transport = nodemailer.createTransport({
    host: settings.smtpHost,
    port: settings.smtpPort,
    secure: settings.smtpSecure,
    auth: settings.smtpUser ? { user: settings.smtpUser, pass: settings.smtpPassword } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // Nodemailer's own logger would print the SMTP dialogue, AUTH included: never.
    logger: false,
    debug: false,
  });
  return {
    name: 'email',
    async send(alarms: Alarm[], deliveryId: string) {
      const subject =
        alarms.length === 1
          ? `[${alarms[0].priority.toUpperCase()}] ${alarms[0].title}`
          : digestTitle(alarms);
      try {
        await transport.sendMail({
          from: settings.emailFrom,
          to: settings.emailTo,
          subject: clip(subject.replace(/[\r\n]+/g, ' '), 200),
          text: plainText(alarms),
          // The same message id on a retry lets a mail system drop the second copy.
          messageId: `<${deliveryId.replace(/[^A-Za-z0-9.:_-]/g, '_')}@mlops-guardian>`,
        });
      } catch (err) {
        const message = `SMTP ${settings.smtpHost}:${settings.smtpPort}: ${(err as Error).message}`;
        if (isRefusal(err)) throw new PermanentDeliveryError(message, { cause: err });
        throw new Error(message, { cause: err });
      }
    },
    close: () => transport.close(),
  };
}
