/**
 * What a 4G/GPRS DTU adds around the meter's frames: a registration packet (IMEI, ICCID or
 * user text) once after connecting or before every data packet, and heartbeat payloads.
 * This filter removes both so that only the meter's bytes reach the frame extractor.
 */

/** ICCID (89…, 19–20 characters) or IMEI (15 digits) in ASCII, the usual registration packets. */
export const DEFAULT_REGISTRATION_PATTERN = '89[0-9]{17}[0-9A-Fa-f]?|[0-9]{15}';

/** A DTU set to "both" sends two registrations in a row; more at once are not registrations. */
const MAX_REGISTRATIONS_PER_CHUNK = 2;
/** Longest registration packet looked at (ICCID and IMEI are 15–20 characters). */
const REGISTRATION_WINDOW = 96;

export interface DtuFilterOptions {
  /** Regular expression for the registration packet (matched at the start of a chunk). */
  registrationPattern?: string;
  /** Heartbeat payload bytes. */
  heartbeat?: Uint8Array;
}

/** `0x…` is hex (spaces allowed), anything else ASCII. */
export function parseHeartbeat(option: string): Uint8Array {
  const hex = /^0x(?<digits>[0-9a-fA-F\s]+)$/.exec(option.trim())?.groups?.digits;
  if (hex !== undefined) {
    const digits = hex.replace(/\s+/g, '');
    if (digits.length % 2 === 0 && digits.length > 0) return Uint8Array.from(Buffer.from(digits, 'hex'));
  }
  return Uint8Array.from(Buffer.from(option, 'latin1'));
}

/** Compiled once per pattern and shared by every connection (one pattern is configured). */
const compiledPatterns = new Map<string, RegExp>();
const MAX_COMPILED_PATTERNS = 16;

function registrationRegExp(pattern: string): RegExp {
  let re = compiledPatterns.get(pattern);
  if (!re) {
    // Non-global: `exec` keeps no state in it, so connections can share it.
    re = new RegExp(`^(?:${pattern})`);
    if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(pattern, re);
  }
  return re;
}

export class DtuFilter {
  private readonly registration: RegExp;
  private readonly heartbeat: Buffer | undefined;
  /** The first registration packet seen, e.g. the IMEI; later ones cannot rename the connection. */
  registrationId: string | undefined;
  heartbeats = 0;
  /** Bytes looked at so far: at most a few times each chunk's length, whatever it holds. */
  work = 0;

  constructor(opts: DtuFilterOptions = {}) {
    this.registration = registrationRegExp(opts.registrationPattern ?? DEFAULT_REGISTRATION_PATTERN);
    const hb = opts.heartbeat;
    // A view, not a copy: the driver passes one heartbeat to every connection.
    this.heartbeat = hb && hb.length > 0 ? Buffer.from(hb.buffer, hb.byteOffset, hb.byteLength) : undefined;
  }

  /** The chunk without registration prefix and heartbeats; may be empty. */
  filter(chunk: Uint8Array): Uint8Array {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    data = this.stripRegistration(data);
    return this.stripHeartbeats(data);
  }

  /** Registration packets at the start of a chunk; a DTU set to "both" sends two in a row. */
  private stripRegistration(data: Buffer): Buffer {
    let rest = data;
    for (let n = 0; n < MAX_REGISTRATIONS_PER_CHUNK; n++) {
      // Frames start with 0xFE or 0x68; a registration packet is text before them.
      if (rest.length === 0 || rest[0] === 0xfe || rest[0] === 0x68) return rest;
      const known = this.registrationId;
      if (known && rest.length >= known.length && rest.toString('latin1', 0, known.length) === known) {
        this.work += known.length;
        rest = rest.subarray(known.length);
        continue;
      }
      const window = Math.min(rest.length, REGISTRATION_WINDOW);
      this.work += window;
      const m = this.registration.exec(rest.toString('latin1', 0, window));
      if (!m || m[0].length === 0) return rest;
      this.registrationId ??= m[0];
      rest = rest.subarray(m[0].length);
    }
    return rest;
  }

  private stripHeartbeats(data: Buffer): Buffer {
    const hb = this.heartbeat;
    if (!hb) return data;
    let start = 0;
    let end = data.length;
    while (end - start >= hb.length && data.subarray(start, start + hb.length).equals(hb)) {
      start += hb.length;
      this.work += hb.length;
      this.heartbeats++;
    }
    while (end - start >= hb.length && data.subarray(end - hb.length, end).equals(hb)) {
      end -= hb.length;
      this.work += hb.length;
      this.heartbeats++;
    }
    this.work += Math.min(hb.length, end - start) * 2;
    return data.subarray(start, end);
  }
}
