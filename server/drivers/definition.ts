/**
 * What Wattwire knows about one kind of device, in one place: its options, how its devices
 * are named, how it is found and tried in the onboarding wizard, its driver and its
 * simulator. Every list of kinds (option sections, config.yaml, the wizard, the simulator
 * command, the demo, the bench) is derived from the array of definitions in `registry.ts`.
 */
import type * as z from 'zod';
import type { DemoSim } from '../sim/demoSim.ts';
import { type DeviceItem, validDeviceItems } from '../options/deviceItems.ts';
import type { DialInClaimFactory } from './dialIn.ts';
import type { DriverContext, DriverFactory } from './types.ts';

/** How the onboarding wizard can find a device of this kind. */
export type DiscoveryMethod = 'mdns' | 'serial' | 'pending' | 'host';

/** A device a network scan found, with the options entry that would add it. */
export interface FoundDevice {
  kind: string;
  label: string;
  host: string;
  port: number;
  config: Record<string, unknown>;
}

/** A starting point the wizard offers, e.g. a manufacturer's port and unit id. */
export interface OnboardingPreset {
  label: string;
  config: Record<string, unknown>;
}

export interface DriverModule {
  createDriver: DriverFactory;
}

export interface SimulatorModules {
  /** `wattwire sim <kind> [flags]`. */
  cli(): Promise<{ runSimCli(argv: string[]): Promise<void> }>;
  /** The simulator `npm run demo`, the chaos run and the bench start on loopback. */
  demo(): Promise<{ startDemoSim(): Promise<DemoSim> }>;
}

export interface DriverDefinition<Item extends z.ZodObject = z.ZodObject, Settings extends z.ZodObject = z.ZodObject> {
  /** The name in the options (`kind` of onboarding), topics and logs. */
  readonly kind: string;
  /** What a user calls this kind of device, e.g. "Kostal PIKO inverter". */
  readonly label: string;
  /** One sentence the wizard shows under the label. */
  readonly blurb: string;
  /** The options list of this kind's devices; each entry is validated on its own. */
  readonly devices: { readonly key: string; readonly item: Item };
  /**
   * Driver-wide settings in one options section, for drivers that have them; `listenPorts`
   * names the settings that are TCP ports it listens on (the demo and bench move them to free ones).
   */
  readonly settings?: { readonly key: string; readonly schema: Settings; readonly listenPorts?: readonly string[] };
  /** Names a device's entry by the fields that make it that device (see `listedKey.ts`). */
  listedKey(config: z.output<Item>): string;
  /** Whether the driver runs with no device listed (a listener waiting for meters to dial in). */
  listening?(settings: z.output<Settings>): boolean;
  /** The poll intervals (s) the driver runs at; none for devices that push. */
  pollIntervals(devices: z.output<Item>[], settings: z.output<Settings>): number[];
  /** The driver, loaded only when this kind has something to do. */
  load(): Promise<DriverModule>;
  readonly onboarding: {
    readonly discovery: readonly DiscoveryMethod[];
    readonly presets?: readonly OnboardingPreset[];
    /** Devices of this kind announcing themselves on the LAN. */
    scan?(milliseconds: number): Promise<FoundDevice[]>;
  };
  readonly simulator: SimulatorModules;
  /** Meters of this kind that dial in to another driver's listener (IVY meters on the DL/T 645 port). */
  dialIn?(): Promise<DialInClaimFactory>;
  /** This driver's listener takes other kinds' dial-in meters (`dialIn`). */
  readonly acceptsDialIn?: boolean;
}

/**
 * Keeps the literal types of a definition (its options keys, its schemas) so that the
 * options type can be derived from the registry.
 */
export function defineDriver<const D extends DriverDefinition>(definition: D): D {
  return definition;
}

/** The valid device entries of this definition's list; each invalid one is reported and skipped. */
export function devicesOf<D extends DriverDefinition>(
  ctx: Pick<DriverContext, 'options' | 'reportConfigError'>,
  definition: D,
): DeviceItem<z.output<D['devices']['item']>>[] {
  const { key, item } = definition.devices;
  const items = validDeviceItems((ctx.options as Record<string, unknown>)[key], key, item, ctx.reportConfigError);
  return items as DeviceItem<z.output<D['devices']['item']>>[];
}
