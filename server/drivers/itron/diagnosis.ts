/**
 * One diagnosis per way a meter connection fails, so the UI can say what to do:
 * register the LFDI, fix the address, wait for the meter's agent…
 */
export type DiagnosisCode =
  | 'not_registered'
  | 'cipher_refused'
  | 'connection_refused'
  | 'timeout'
  | 'unreachable'
  | 'agent_hung'
  | 'http_error'
  | 'bad_response'
  | 'tls_error'
  | 'no_certificate';

export type Phase = 'connect' | 'handshake' | 'response';

export class MeterError extends Error {
  constructor(
    readonly code: DiagnosisCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** TLS alerts that mean "your certificate is not accepted" (RFC 5246 §7.2, RFC 8446 116). */
const CERT_ALERTS =
  /ALERT_(BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED|CERTIFICATE_REQUIRED|DECRYPT_ERROR)/;
const CIPHER_ALERTS =
  /ALERT_(HANDSHAKE_FAILURE|PROTOCOL_VERSION|INSUFFICIENT_SECURITY|ILLEGAL_PARAMETER)|NO_SHARED_CIPHER|WRONG_VERSION_NUMBER|UNSUPPORTED_PROTOCOL|NO_CIPHERS_AVAILABLE|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW/;

export function diagnose(err: unknown, phase: Phase, where: string): MeterError {
  if (err instanceof MeterError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const detail = e?.message ?? String(err);
  if (code === 'ECONNREFUSED')
    return new MeterError(
      'connection_refused',
      `Connection refused by ${where}: nothing listens on that port (wrong port, or the meter's HAN interface is off)`,
      detail,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new MeterError('unreachable', `Host of ${where} not found`, detail);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN')
    return new MeterError('unreachable', `${where} is unreachable (${code}): check the meter's Wi-Fi and address`, detail);
  if (code === 'ETIMEDOUT') return new MeterError('timeout', `Connection to ${where} timed out: no answer from that address`, detail);
  if (CERT_ALERTS.test(code) || CERT_ALERTS.test(detail.toUpperCase().replace(/ /g, '_'))) {
    return new MeterError(
      'not_registered',
      `The meter at ${where} refused our certificate (TLS alert): the LFDI is not registered yet, or not active yet`,
      detail,
    );
  }
  if (CIPHER_ALERTS.test(code) || CIPHER_ALERTS.test(detail.toUpperCase().replace(/ /g, '_'))) {
    return new MeterError(
      'cipher_refused',
      `${where} refused TLS 1.2 with ECDHE-ECDSA-AES128-CCM8 (${code || 'handshake failure'}): it is not an IEEE 2030.5 meter port, or its TLS setup differs`,
      detail,
    );
  }
  if (phase === 'handshake' && (code === 'ECONNRESET' || /socket disconnected|hang up/i.test(detail))) {
    return new MeterError(
      'not_registered',
      `The meter at ${where} closed the connection during or right after the TLS handshake, having seen our certificate: the LFDI is most likely not registered yet`,
      detail,
    );
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO') return new MeterError('tls_error', `TLS error with ${where}: ${detail}`, detail);
  return new MeterError('http_error', `Request to ${where} failed: ${detail}`, detail);
}

/** The agent accepted TCP but did not answer in time; the phase says where it stopped. */
export function timedOut(phase: Phase, where: string, ms: number): MeterError {
  if (phase === 'connect') return new MeterError('timeout', `Connection to ${where} timed out after ${ms} ms: no answer from that address`);
  const step = phase === 'handshake' ? 'the TLS handshake' : 'the request';
  return new MeterError(
    'agent_hung',
    `The meter at ${where} accepted TCP but did not answer ${step} within ${ms} ms: its metering agent is hung (it usually recovers; Xcel can reboot it)`,
  );
}
