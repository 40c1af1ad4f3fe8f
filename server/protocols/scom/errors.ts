/** SCOM error codes carried as a 2-byte property value when a response has the error bit. */
export interface ScomErrorInfo {
  name: string;
  meaning: string;
}

export const SCOM_ERRORS: Readonly<Record<number, ScomErrorInfo>> = {
  0x0001: { name: 'INVALID_FRAME', meaning: 'malformed frame' },
  0x0002: { name: 'DEVICE_NOT_FOUND', meaning: 'no device at the destination address' },
  0x0003: { name: 'RESPONSE_TIMEOUT', meaning: 'the addressed device did not answer the gateway' },
  0x0011: { name: 'SERVICE_NOT_SUPPORTED', meaning: 'unknown service id' },
  0x0012: { name: 'INVALID_SERVICE_ARGUMENT', meaning: 'bad service data' },
  0x0013: { name: 'GATEWAY_BUSY', meaning: 'the gateway is busy' },
  0x0021: { name: 'TYPE_NOT_SUPPORTED', meaning: 'the object type does not exist' },
  0x0022: { name: 'OBJECT_ID_NOT_FOUND', meaning: 'no object with this id' },
  0x0023: { name: 'PROPERTY_NOT_SUPPORTED', meaning: 'the property does not exist for this object' },
  0x0024: { name: 'INVALID_DATA_LENGTH', meaning: 'the value has the wrong number of bytes' },
  0x0025: { name: 'PROPERTY_IS_READ_ONLY', meaning: 'the property cannot be written' },
  0x0026: { name: 'INVALID_DATA', meaning: 'the value is impossible for this property' },
  0x0027: { name: 'DATA_TOO_SMALL', meaning: 'the value is below the minimum' },
  0x0028: { name: 'DATA_TOO_BIG', meaning: 'the value is above the maximum' },
  0x0029: { name: 'WRITE_PROPERTY_FAILED', meaning: 'the write was possible but failed' },
  0x002a: { name: 'READ_PROPERTY_FAILED', meaning: 'the read was possible but failed' },
  0x002b: { name: 'ACCESS_DENIED', meaning: 'insufficient user level' },
  0x002c: { name: 'OBJECT_NOT_SUPPORTED', meaning: 'the gateway does not support this object' },
  0x002d: { name: 'MULTICAST_READ_NOT_SUPPORTED', meaning: 'a read was sent to a multicast address' },
  0x002e: { name: 'OBJECT_PROPERTY_INVALID', meaning: 'unexpected property during a file transfer' },
  0x002f: { name: 'FILE_OR_DIR_NOT_PRESENT', meaning: 'the file is not on the SD card' },
  0x0030: { name: 'FILE_CORRUPTED', meaning: 'read error during a file download' },
  0x0081: { name: 'INVALID_SHELL_ARG', meaning: "invalid argument to Studer's command-line tool" },
};

export const ScomErrorCode = {
  DEVICE_NOT_FOUND: 0x0002,
  RESPONSE_TIMEOUT: 0x0003,
  OBJECT_ID_NOT_FOUND: 0x0022,
  PROPERTY_NOT_SUPPORTED: 0x0023,
  MULTICAST_READ_NOT_SUPPORTED: 0x002d,
} as const;

/** "DEVICE_NOT_FOUND (0x0002): no device at the destination address". */
export function describeScomError(code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const info = SCOM_ERRORS[code];
  return info ? `${info.name} (${hex}): ${info.meaning}` : `unknown SCOM error ${hex}`;
}
