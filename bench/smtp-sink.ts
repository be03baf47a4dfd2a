/**
 * The digest-send bench's SMTP sink, run as a child process of `bench/digest-send.ts` so it
 * does not share the sender's event loop:
 *
 *   smtp-sink.ts smtp-server <max seconds>   `smtp-server` (the package the e2e tests use):
 *                                            auth and STARTTLS off, no reverse lookups, every
 *                                            sender and recipient accepted, DATA drained
 *   smtp-sink.ts raw <max seconds>           a minimal SMTP responder over `node:net`: the
 *                                            fixed replies nodemailer needs, DATA scanned only
 *                                            for its end (`CRLF.CRLF`)
 *
 * Both count connections, whole messages and their bytes and throw nothing away but the bytes. It listens
 * on 127.0.0.1 on a free port and reports it over IPC (`{ port }`); a `stats` message is
 * answered with `SinkStats`. It stops on `stop`, when the parent goes away, or after
 * <max seconds> at the latest.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type SinkKind = 'smtp-server' | 'raw';
export type SinkStats = { messages: number; bytes: number; connections: number; cpuMs: number; maxRssKiB: number };

const HOST = '127.0.0.1';
const stats = { messages: 0, bytes: 0, connections: 0 };

function smtpServerSink(): { server: Server; closeAll(): void } {
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      stats.connections++;
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => void (stats.bytes += chunk.length));
      stream.on('error', callback);
      stream.on('end', () => {
        stats.messages++;
        callback();
      });
    },
  });
  smtp.listen(0, HOST);
  return { server: smtp.server, closeAll: () => smtp.close() };
}

const END_OF_DATA = Buffer.from('\r\n.\r\n');

/** One connection of the raw responder: commands are lines; DATA runs until `CRLF.CRLF`. */
function rawSession(socket: Socket): void {
  let inData = false;
  let dataBytes = 0;
  let line = '';
  // The last bytes of the previous chunk, so an end marker split across chunks is found.
  let tail: Buffer = Buffer.alloc(0);
  const reply = (text: string) => socket.write(`${text}\r\n`);
  const command = (cmd: string) => {
    const verb = cmd.slice(0, 4).toUpperCase();
    if (verb === 'EHLO') return reply('250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8');
    if (verb === 'DATA') {
      inData = true;
      dataBytes = 0;
      tail = Buffer.alloc(0);
      return reply('354 go ahead');
    }
    if (verb === 'QUIT') return void socket.end('221 bye\r\n');
    return reply('250 OK');
  };
  const onData = (chunk: Buffer): void => {
    // The end marker may straddle chunks: look at the previous chunk's last bytes first.
    const seam = tail.length ? Buffer.concat([tail, chunk.subarray(0, END_OF_DATA.length - 1)]).indexOf(END_OF_DATA) : -1;
    const end = seam >= 0 ? seam - tail.length : chunk.indexOf(END_OF_DATA);
    if (end < 0 && seam < 0) {
      dataBytes += chunk.length;
      const last = chunk.length >= END_OF_DATA.length - 1 ? chunk : Buffer.concat([tail, chunk]);
      tail = Buffer.from(last.subarray(Math.max(0, last.length - (END_OF_DATA.length - 1))));
      return;
    }
    const consumed = end + END_OF_DATA.length;
    stats.bytes += dataBytes + consumed;
    stats.messages++;
    inData = false;
    reply('250 OK queued');
    if (consumed < chunk.length) onChunk(chunk.subarray(consumed));
  };
  const onChunk = (chunk: Buffer): void => {
    if (inData) return onData(chunk);
    const text = line + chunk.toString('latin1');
    const lines = text.split('\r\n');
    line = lines.pop() ?? '';
    let used = 0;
    for (const l of lines) {
      used += l.length + 2;
      command(l);
      if (inData) {
        // Pipelined message bytes may follow DATA in the same chunk.
        const rest = Buffer.from(text.slice(used), 'latin1');
        line = '';
        if (rest.length) onData(rest);
        return;
      }
    }
  };
  socket.on('data', onChunk);
  socket.on('error', () => socket.destroy());
  reply('220 sink ESMTP');
}

function rawSink(): { server: Server; closeAll(): void } {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    stats.connections++;
    // Replies are separate small writes: with Nagle on, one waits for the client's (delayed)
    // ACK of the one before, 40 ms on loopback. smtp-server turns it off too.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    rawSession(socket);
  });
  server.listen(0, HOST);
  return { server, closeAll: () => sockets.forEach((s) => s.destroy()) };
}

function main(argv: string[]): void {
  const [kind, maxSeconds] = argv;
  if (!process.send || !(Number(maxSeconds) > 0) || (kind !== 'smtp-server' && kind !== 'raw')) {
    throw new Error('usage: smtp-sink.ts smtp-server|raw <max seconds>, forked with an IPC channel');
  }
  const { server, closeAll } = kind === 'raw' ? rawSink() : smtpServerSink();
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    closeAll();
    process.exit(code);
  };
  server.once('listening', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  server.once('error', (err) => {
    console.error(err);
    stop(1);
  });
  process.on('message', (msg) => {
    if (msg === 'stop') return stop(0);
    if (msg === 'stats') {
      const cpu = process.cpuUsage();
      process.send?.({ ...stats, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS } satisfies SinkStats);
    }
  });
  process.once('disconnect', () => stop(0));
  setTimeout(() => stop(2), Number(maxSeconds) * 1000).unref();
}

main(process.argv.slice(2));
