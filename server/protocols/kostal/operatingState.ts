/**
 * The inverter's operating state. The DXS API gives it as a number; the classic page as
 * localised text, of which only some texts are confirmed by captured pages.
 */
export const OPERATING_STATES = ['off', 'idle', 'starting', 'feeding_mpp', 'feeding_limited', 'feeding'] as const;
export type OperatingState = (typeof OPERATING_STATES)[number];

/** Raw DXS code (id 16780032) → state; unknown codes give null. */
export function stateFromCode(code: number): OperatingState | null {
  return Number.isInteger(code) ? (OPERATING_STATES[code] ?? null) : null;
}

// Confirmed by captured pages: Aus, Leerlauf, Einspeisen MPP, supply MPP, toevoer MPP.
// The others follow the same wording and are kept as best guesses; unknown texts give null.
const TEXT_RULES: [RegExp, OperatingState][] = [
  [/^(aus|off|uit)$/i, 'off'],
  [/^(leerlauf|idle|stationair)$/i, 'idle'],
  [/^(anfahren|starting|opstarten)$/i, 'starting'],
  [/mpp/i, 'feeding_mpp'],
  [/(abgeregelt|limited|begrensd)/i, 'feeding_limited'],
  [/^(einspeisen|supply|toevoer)$/i, 'feeding'],
];

/** Status text of the classic page → state, or null when the text is not known. */
export function stateFromText(text: string): OperatingState | null {
  const t = text.trim();
  return TEXT_RULES.find(([re]) => re.test(t))?.[1] ?? null;
}

/** States in which the inverter is not feeding (dusk, dawn, night). */
export function isQuiet(state: OperatingState | null): boolean {
  return state === 'off' || state === 'idle' || state === 'starting';
}
