/**
 * Realistic device entries as a user would enter them in the add-on's form, covering
 * every field of every device list (a test checks the coverage).
 */
export const sampleDevices: Record<string, Record<string, unknown>[]> = {
  dlt645_meters: [
    {
      address: '000012345678',
      name: 'Main meter',
      serial_port: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0',
      baud: 2400,
      parity: 'even',
    },
    { address: '210987654321', dtu_registration: '860000000000121', dtu_ip: '192.168.1.50' },
  ],
  itron_meters: [
    {
      name: 'Xcel meter',
      host: '192.168.1.50',
      port: 8081,
      lfdi: 'EDCCCE2E3B46A65BE6B5AF0FBEA89A29289B4686',
      poll_interval: 10,
      timeout: 10,
      keep_alive: true,
    },
    // As the Launchpad shows the LFDI.
    { lfdi: 'EDCCC-E2E3B-46A65-BE6B5-AF0FB-EA89A-29289-B4686' },
  ],
  xtender: [
    {
      name: 'Xtender',
      serial_port: '/dev/serial/by-id/usb-Studer_Xcom-232i-if00-port0',
      baud: 38400,
      poll_interval: 10,
      fast_poll_interval: 2,
      timeout_ms: 2000,
      retries: 1,
      rescan_interval: 300,
      allow_writes: false,
      allow_flash_writes: false,
      flash_write_min_interval: 60,
    },
  ],
  dlms_meters: [
    {
      id: 'kamstrup_1',
      name: 'Grid meter',
      mode: 'push',
      system_title: '4B464D1020000001',
      encryption_key: '000102030405060708090A0B0C0D0E0F',
      authentication_key: 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
    },
    {
      name: 'M-Bus meter',
      mode: 'push',
      meter_type: 'austria_mbus',
      serial_port: '/dev/ttyUSB1',
      baud: 2400,
      parity: 'even',
      timeout: 120,
    },
    { name: 'TCP meter', mode: 'poll', host: '192.168.1.60', port: 4059, password: '00000000', client_address: 17, poll_interval: 30 },
  ],
  kostal: [
    { name: 'PIKO 5.5', host: '192.168.1.70', username: 'pvserver', password: 'pvwr', poll_interval: 30, night_power: 'zero' },
    { host: '192.168.1.71:8080', id: 'piko_roof', generation: 'classic', timeout: 10, night_power: 'unavailable' },
  ],
  victron: [
    {
      name: 'Cerbo GX',
      host: '192.168.1.80',
      port: 1883,
      portal_id: 'c0619ab1c2d3',
      allow_writes: false,
      extra_paths: 'battery/+/System/MinCellTemperature, tank/+/#',
    },
    { name: 'Cabin', id: 'cabin', vrm: true, portal_id: 'b827ebf00d01', username: 'owner@example.com', token: 'vrm-access-token' },
    { name: 'Boat', host: 'broker.local', port: 8883, tls: true, username: 'remoteconsole', password: 'gx-pass', topic_prefix: 'victron/' },
  ],
  sunspec: [
    { name: 'PLENTICORE', host: '192.168.1.90', port: 1502, unit_id: 71, poll_interval: 10, timeout: 5, allow_writes: false },
    { host: '192.168.1.91', id: 'sma_meter', unit_id: 126, max_registers: 100 },
  ],
};
