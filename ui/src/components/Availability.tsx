import type { Availability as A } from '../types.ts';

const LABEL: Record<A, string> = {
  online: 'online',
  offline: 'offline',
  asleep: 'asleep',
  fault: 'fault',
  connecting: 'connecting',
  unknown: 'waiting',
};

export function Availability({ availability, reason }: { availability: A; reason?: string }) {
  return (
    <span class="availability">
      <span class={`badge ${availability}`}>{LABEL[availability] ?? availability}</span>
      {reason && <span class="reason">{reason}</span>}
    </span>
  );
}
