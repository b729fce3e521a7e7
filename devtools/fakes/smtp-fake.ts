import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server (RFC 5321 through the smtp-server package: EHLO, AUTH PLAIN/LOGIN, MAIL,
 * RCPT, DATA) that keeps every message it accepts, parsed (subject, text, attachments,
 * Message-ID). Production code sends to it through SmtpEmailProvider with
 * SMTP_URL=smtp://USER:PASSWORD@127.0.0.1:PORT; wrong credentials get 535, as from a real server.
 *
 *   npx tsx devtools/fakes/smtp-fake.ts [port] [user] [password]
 */
export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
}

export class FakeSmtpServer {
  readonly received: ReceivedEmail[] = [];
  /** The next `count` messages are refused with this reply code (e.g. 451 try later, 550 no such user). */
  private refusals: number[] = [];
  private server: SMTPServer | null = null;

  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {}

  async start(port = 0): Promise<string> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      allowInsecureAuth: true,
      logger: false,
      size: 25 * 1024 * 1024,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const refusal = this.refusals.shift();
        simpleParser(stream)
          .then((mail) => {
            if (refusal) return callback(Object.assign(new Error(`refused (${refusal})`), { responseCode: refusal }));
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              messageId: mail.messageId ?? '',
              attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = (server.server as { address(): AddressInfo }).address();
    return `smtp://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${address.port}`;
  }

  refuseNext(count: number, code = 451): void {
    for (let i = 0; i < count; i++) this.refusals.push(code);
  }

  to(address: string): ReceivedEmail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

if (require.main === module) {
  const [port = '2525', user = 'dev', password = 'dev'] = process.argv.slice(2);
  const fake = new FakeSmtpServer(user, password);
  void fake.start(Number(port)).then((url) => {
    console.log(`fake SMTP server: SMTP_URL=${url}`);
    setInterval(() => {
      for (const mail of fake.received.splice(0)) console.log(`${mail.to.join(', ')}: ${mail.subject} (${mail.attachments.map((a) => a.filename).join(', ')})`);
    }, 500);
  });
}
