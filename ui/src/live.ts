/** The one live stream (SSE) the UI listens to, and a hook that re-renders on its changes. */
import { useEffect, useState } from 'preact/hooks';
import { LiveState } from './liveState.ts';
import { apiUrl } from './urls.ts';

const STREAM_EVENTS = ['snapshot', 'readings', 'status', 'device', 'removed', 'diagnostics', 'event', 'broker'];

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export const live = new LiveState();
let streamState: StreamState = 'connecting';
const listeners = new Set<() => void>();
let frame = 0;

/** Coalesce bursts of events into one render per frame. */
function notify(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    for (const l of listeners) l();
  });
}

export function connectStream(): void {
  const source = new EventSource(apiUrl('api/stream'));
  source.onopen = () => {
    streamState = 'live';
    notify();
  };
  source.onerror = () => {
    streamState = 'reconnecting';
    notify();
  };
  for (const name of STREAM_EVENTS) {
    source.addEventListener(name, (e) => {
      try {
        if (live.apply(name, JSON.parse((e as MessageEvent<string>).data))) notify();
      } catch (err) {
        console.warn(`stream event ${name} could not be read`, err);
      }
    });
  }
}

export function getStreamState(): StreamState {
  return streamState;
}

/** Re-render the calling component whenever the live state changes. */
export function useLive(): LiveState {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return live;
}
