/**
 * A WebSocket client at the byte level, for sending frames no well-behaved library would send:
 * too big, not UTF-8, reserved opcodes, RSV bits, unmasked. Performs a real upgrade (cookie,
 * Origin) on a TCP socket, writes one crafted frame and reads the close code the server answers.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface FrameSpec {
  opcode: number;
  payload: Buffer;
  fin?: boolean;
  /** RSV1..RSV3 as bits 0b100, 0b010, 0b001. */
  rsv?: number;
  /** Client frames must be masked; false sends an unmasked (invalid) frame. */
  masked?: boolean;
  /** Declare this payload length instead of the real one (the payload is still what is sent). */
  declaredLength?: bigint;
}

export function encodeFrame(spec: FrameSpec): Buffer {
  const masked = spec.masked ?? true;
  const length = spec.declaredLength ?? BigInt(spec.payload.length);
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, (masked ? 0x80 : 0) | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, spec.payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(spec.payload);
  for (let i = 0; i < body.length; i += 1) body.writeUInt8(body.readUInt8(i) ^ mask.readUInt8(i % 4), i);
  return Buffer.concat([header, mask, body]);
}

export interface RawConnection {
  /** Write bytes after the upgrade. */
  write(bytes: Buffer): void;
  /** Resolves with the close code the server sent (or 1006 when the socket ended without one). */
  closed: Promise<number>;
  destroy(): void;
}

/** Open `/rpc` on the host with the given cookie; resolves once the server answered 101. */
export function rawUpgrade(origin: string, cookie: string): Promise<RawConnection> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    let settleClosed: (code: number) => void = () => undefined;
    const closed = new Promise<number>((done) => (settleClosed = done));
    socket.on('error', (error) => {
      if (!upgraded) reject(error);
      settleClosed(1006);
    });
    socket.on('close', () => settleClosed(1006));
    socket.on('connect', () => {
      socket.write(
        [
          'GET /rpc HTTP/1.1',
          `Host: ${url.host}`,
          `Origin: ${origin}`,
          `Cookie: ${cookie}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = buffered.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
        buffered = buffered.subarray(end + 4);
        if (!status.includes(' 101 ')) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${status}`));
          return;
        }
        upgraded = true;
        resolve({ write: (bytes) => socket.write(bytes), closed, destroy: () => socket.destroy() });
      }
      // Server frames are unmasked; skip any that are not a close frame.
      while (buffered.length >= 2) {
        const opcode = buffered.readUInt8(0) & 0x0f;
        let length = buffered.readUInt8(1) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffered.length < offset + length) return;
        const payload = buffered.subarray(offset, offset + length);
        buffered = buffered.subarray(offset + length);
        if (opcode === 0x8) {
          settleClosed(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
          socket.destroy();
          return;
        }
      }
    });
  });
}

/** The classes of bad frame the host must survive, each with the close code it must answer. */
export const BAD_FRAMES: ReadonlyArray<{ name: string; expect: number; frame: () => Buffer }> = [
  { name: 'text over 1 MiB', expect: 1009, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.alloc(1024 * 1024 + 1, 0x61) }) },
  {
    name: 'fragments over 1 MiB together',
    expect: 1009,
    frame: () => Buffer.concat([encodeFrame({ opcode: 0x1, payload: Buffer.alloc(600 * 1024, 0x61), fin: false }), encodeFrame({ opcode: 0x0, payload: Buffer.alloc(600 * 1024, 0x61) })]),
  },
  { name: 'declared length over 2^53', expect: 1009, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.alloc(0), declaredLength: 2n ** 63n - 1n }) },
  { name: 'text not UTF-8', expect: 1007, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }) },
  { name: 'lone surrogate in UTF-8', expect: 1007, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from([0xed, 0xa0, 0x80]) }) },
  { name: 'reserved opcode 0x3', expect: 1002, frame: () => encodeFrame({ opcode: 0x3, payload: Buffer.from('x') }) },
  { name: 'reserved control opcode 0xB', expect: 1002, frame: () => encodeFrame({ opcode: 0xb, payload: Buffer.alloc(0) }) },
  { name: 'RSV1 set', expect: 1002, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 0b100 }) },
  { name: 'RSV2 and RSV3 set', expect: 1002, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 0b011 }) },
  { name: 'unmasked frame', expect: 1002, frame: () => encodeFrame({ opcode: 0x1, payload: Buffer.from('{}'), masked: false }) },
  { name: 'fragmented ping', expect: 1002, frame: () => encodeFrame({ opcode: 0x9, payload: Buffer.from('x'), fin: false }) },
  { name: 'ping over 125 bytes', expect: 1002, frame: () => encodeFrame({ opcode: 0x9, payload: Buffer.alloc(126) }) },
  { name: 'continuation without a start', expect: 1002, frame: () => encodeFrame({ opcode: 0x0, payload: Buffer.from('x') }) },
  { name: 'close with reason not UTF-8', expect: 1007, frame: () => encodeFrame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe8, 0xff]) }) },
  { name: 'close with invalid code', expect: 1002, frame: () => encodeFrame({ opcode: 0x8, payload: Buffer.from([0x00, 0x01]) }) },
];
