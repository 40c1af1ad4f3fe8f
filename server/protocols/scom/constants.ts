/** SCOM code tables: services, object types, property ids, frame flags. */
export const FRAME_START = 0xaa;
export const HEADER_LENGTH = 14;
/** Start byte, header, data checksum: a frame is this plus its data. */
export const FRAME_OVERHEAD = 16;
/** Service header (flags, service, object type, object id, property id). */
export const SERVICE_HEADER_LENGTH = 10;
/** Longest frame data accepted; screen responses (1034 bytes) are the largest in the spec. */
export const MAX_DATA_LENGTH = 1100;

export const ServiceId = { READ: 0x01, WRITE: 0x02 } as const;

export const ObjectType = {
  USER_INFO: 0x0001,
  PARAMETER: 0x0002,
  MESSAGE: 0x0003,
  GUID: 0x0004,
  CUSTOM_DATALOG: 0x0005,
  MULTI_INFO: 0x000a,
  SCREEN: 0x0100,
  FILE_TRANSFER: 0x0101,
} as const;

export const PropertyId = {
  MESSAGE: 0x0000,
  /** User info value (the spec's choice, see USER_INFO_FALLBACK). */
  INFO_VALUE: 0x0001,
  /** Parameter value as stored in flash; a write wears the flash. */
  VALUE_QSP: 0x0005,
  MIN_QSP: 0x0006,
  MAX_QSP: 0x0007,
  LEVEL_QSP: 0x0008,
  /** Parameter value in RAM only (firmware ≥ 1.6.12). */
  UNSAVED_VALUE_QSP: 0x000d,
} as const;

/** Some libraries read user infos with 0x0005; used when a gateway answers 0x0001 with PROPERTY_NOT_SUPPORTED. */
export const USER_INFO_FALLBACK_PROPERTY = PropertyId.VALUE_QSP;

export const ServiceFlag = { ERROR: 0x01, RESPONSE: 0x02 } as const;

export interface FrameFlags {
  messagePending: boolean;
  /** The Xcom-232i (re)started since the flag was last cleared with {5104}. */
  restarted: boolean;
  sdCardPresent: boolean;
  sdCardFull: boolean;
  newDatalogFile: boolean;
  datalogSupported: boolean;
}

export function decodeFrameFlags(flags: number): FrameFlags {
  return {
    messagePending: (flags & 0x01) !== 0,
    restarted: (flags & 0x02) !== 0,
    sdCardPresent: (flags & 0x04) !== 0,
    sdCardFull: (flags & 0x08) !== 0,
    newDatalogFile: (flags & 0x10) !== 0,
    datalogSupported: (flags & 0x20) !== 0,
  };
}
