/** Every driver, by the kind named in the options and the topic API. */
import type { DriverFactory } from './types.ts';
import { createXtenderDriver } from './xtender/driver.ts';
import { createDlt645Driver } from './dlt645/driver.ts';
import { createDlmsDriver } from './dlms/driver.ts';
import { ivyDialInClaim } from './dlms/ivyDialIn.ts';
import { createItronDriver } from './itron/driver.ts';
import { createVictronDriver } from './victron/driver.ts';
import { createKostalDriver } from './kostal/driver.ts';

export const DRIVERS: Record<string, DriverFactory> = {
  xtender: createXtenderDriver,
  // IVY EM114070 meters speak DLMS on the DL/T 645 dial-in port.
  dlt645: (ctx) => createDlt645Driver(ctx, [ivyDialInClaim]),
  dlms: createDlmsDriver,
  itron: createItronDriver,
  victron: createVictronDriver,
  kostal: createKostalDriver,
};
