import { useEffect, useState } from 'preact/hooks';

/** The current time, refreshed every `everyMs`, for ages like "4 s ago". */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
