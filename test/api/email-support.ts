import { createConnection } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutboundMail } from '../../functions/email/mail/mail-sender.js';
import { DynamoMailLog } from '../../functions/email/store/mail-log.js';
import type { MailRecord } from '../../functions/email/store/ports.js';
import type { LocalRuntime } from '../support/runtime.js';

/** Helpers for the email tests: send over the runtime's SMTP port, read what the gateway did. */
export const SUPPORT = 'support@opsdesk.local';

export function smtpClient(rt: LocalRuntime) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: rt.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
  });
  return {
    /** Sends and resolves with the SMTP reply (`250 queued as …`). */
    async send(mail: Mail.Options): Promise<string> {
      const info = await transport.sendMail({ to: SUPPORT, ...mail });
      return info.response;
    },
    close: () => transport.close(),
  };
}

export function outboxFor(rt: LocalRuntime, address: string): OutboundMail[] {
  return rt.outbox.filter((mail) => mail.to.includes(address));
}

export async function mailRecords(rt: LocalRuntime): Promise<MailRecord[]> {
  const day = rt.clock.now().toISOString().slice(0, 10);
  return new DynamoMailLog(rt.deps.dynamo, rt.tableName).list(day, 200);
}

/** Writes raw lines to the SMTP port and collects every reply line until the server closes or `waitMs` passes. */
export function rawSmtp(port: number, lines: readonly (string | Buffer)[], waitMs = 800): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.once('data', () => {
      for (const line of lines) socket.write(line);
    });
    setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, waitMs);
  });
}
