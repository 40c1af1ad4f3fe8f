/** Words for the codes the bridge speaks (option names, enum values, statistics keys). */

/** Short forms a reader knows in capitals; a word without a vowel (DLMS, MPPT, TCP) is one too. */
const ACRONYMS = new Set(['ac', 'ess', 'ha', 'id', 'ip', 'lfdi', 'obis', 'sfdi', 'soc', 'ui', 'vebus']);

const isAcronym = (word: string): boolean => ACRONYMS.has(word) || /^[b-df-hj-np-tv-xz]+$/.test(word);
/** Unit suffixes of statistics keys (`uptimeS`, `eventLoopDelayP99Ms`): said in brackets. */
const UNIT_SUFFIXES: Record<string, string> = { ms: 'ms', s: 's', bytes: 'bytes', mb: 'MB', kb: 'kB', pct: '%' };

/** `ignoredRetainedCommands` → "Ignored retained commands", `feeding_mpp` → "Feeding MPP", `eventLoopDelayP99Ms` → "Event loop delay p99 (ms)". */
export function words(code: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(code)) return code;
  const parts = code
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.toLowerCase());
  let unit = '';
  if (parts.length > 1 && UNIT_SUFFIXES[parts[parts.length - 1]!] !== undefined) unit = ` (${UNIT_SUFFIXES[parts.pop() as string]})`;
  const text = parts.map((w) => (isAcronym(w) ? w.toUpperCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + unit;
}

/** An enum value as a label: machine codes (`feeding_mpp`) become words, labels the device gave (`Charge V`) stay. */
export function optionLabel(option: string): string {
  return /^[a-z0-9_]+$/.test(option) ? words(option) : option;
}

/** An options entry (`dlms_meters[0]`) as a reader says it: "DLMS meters, entry 1". */
export function optionsPlace(where: string): string {
  const m = /^([a-z][a-z0-9_]*)\[(\d{1,6})\]$/.exec(where);
  return m ? `${words(m[1]!)}, entry ${Number(m[2]) + 1}` : where;
}
