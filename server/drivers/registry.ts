/** Every driver, by the kind named in the options and the topic API. */
import type { DriverFactory } from './types.ts';
import { createXtenderDriver } from './xtender/driver.ts';
import { createDlt645Driver } from './dlt645/driver.ts';
import { createDlmsDriver } from './dlms/driver.ts';
import { createItronDriver } from './itron/driver.ts';
import { createVictronDriver } from './victron/driver.ts';
import { createKostalDriver } from './kostal/driver.ts';

export const DRIVERS: Record<string, DriverFactory> = {
  xtender: createXtenderDriver,
  dlt645: createDlt645Driver,
  dlms: createDlmsDriver,
  itron: createItronDriver,
  victron: createVictronDriver,
  kostal: createKostalDriver,
};
