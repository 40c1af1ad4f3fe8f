/** Every driver, by the kind named in the options and the topic API. */
import type { DriverFactory } from './types.ts';
import { createDlt645Driver } from './dlt645/driver.ts';

export const DRIVERS: Record<string, DriverFactory> = {
  dlt645: createDlt645Driver,
};
