/**
 * What is wrong with a meter's telegrams, in words a user can act on. Each kind of
 * trouble has its own reason; a change of state is reported once, not per telegram.
 */
export type Problem =
  | 'ok'
  | 'decrypt_failed'
  | 'key_missing'
  | 'corrupt_frames'
  | 'unsupported'
  | 'silent'
  | 'unreachable'
  | 'rejected'
  | 'reads_refused';

/** Corrupt frames tolerated between good telegrams before blaming the line (serial noise happens). */
const CORRUPT_LIMIT = 3;

export interface DiagnosisChange {
  problem: Problem;
  reason: string;
}

export class Diagnosis {
  problem: Problem | 'waiting' = 'waiting';
  reason = 'waiting for the first telegram';
  private corruptSinceGood = 0;
  readonly counts = { telegrams: 0, decryptFailures: 0, corruptFrames: 0 };

  constructor(private readonly describeSilence: () => string) {}

  good(): DiagnosisChange | null {
    this.counts.telegrams++;
    this.corruptSinceGood = 0;
    return this.set('ok', 'receiving telegrams');
  }

  decryptFailed(detail: string): DiagnosisChange | null {
    this.counts.decryptFailures++;
    return this.set('decrypt_failed', `telegrams arrive but decryption fails (wrong key?): ${detail}`);
  }

  keyMissing(systemTitle: string | null): DiagnosisChange | null {
    this.counts.decryptFailures++;
    return this.set(
      'key_missing',
      `telegrams arrive encrypted${systemTitle ? ` from system title ${systemTitle}` : ''} but no encryption_key is set for this meter`,
    );
  }

  corrupt(detail: string): DiagnosisChange | null {
    this.counts.corruptFrames++;
    this.corruptSinceGood++;
    if (this.corruptSinceGood < CORRUPT_LIMIT) return null;
    return this.set('corrupt_frames', `frames arrive but are corrupt (baud/parity?): ${detail}`);
  }

  unsupported(detail: string): DiagnosisChange | null {
    return this.set('unsupported', `telegrams arrive in a form Wattwire cannot read yet: ${detail}`);
  }

  silent(): DiagnosisChange | null {
    return this.set('silent', `nothing arrives: ${this.describeSilence()}`);
  }

  unreachable(detail: string): DiagnosisChange | null {
    return this.set('unreachable', detail);
  }

  rejected(detail: string): DiagnosisChange | null {
    return this.set('rejected', detail);
  }

  /** A poll in which the meter answered but gave no value at all. */
  readsRefused(detail: string): DiagnosisChange | null {
    return this.set('reads_refused', `the meter answers but refuses every read: ${detail}`);
  }

  private set(problem: Problem, reason: string): DiagnosisChange | null {
    // Same problem with a new detail (another frame counter…) is not a change worth a log line.
    if (this.problem === problem) return null;
    this.problem = problem;
    this.reason = reason;
    return { problem, reason };
  }
}
