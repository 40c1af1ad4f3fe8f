/**
 * Home Assistant device-based discovery (`<prefix>/device/<id>/config`), built from the
 * device's register table. Availability is the bridge and the device together.
 */
import type { DeviceRecord } from '../core/hub.ts';
import { effectiveRange, platformOf, type RegisterDescriptor } from '../core/registers.ts';

export interface TopicConfig {
  base: string;
  bridge: string;
  discoveryPrefix: string;
  version: string;
}

export const ORIGIN_URL = 'https://github.com/wattwire/wattwire';
export const BRIDGE_DEVICE_ID = 'wattwire_bridge';

export function uniqueId(deviceId: string, key: string): string {
  return `wattwire_${deviceId}_${key}`;
}

export function discoveryTopic(cfg: TopicConfig, deviceId: string): string {
  return `${cfg.discoveryPrefix}/device/${deviceId}/config`;
}

export function deviceTopic(cfg: TopicConfig, deviceId: string, leaf: string): string {
  return `${cfg.base}/${deviceId}/${leaf}`;
}

/** Availability counts a sleeping inverter as available: its totals stay valid overnight. */
const DEVICE_AVAILABILITY_TEMPLATE = "{{ 'online' if value_json.state in ['online', 'asleep'] else 'offline' }}";
const BRIDGE_AVAILABILITY_TEMPLATE = '{{ value_json.status }}';

export function discoveryPayload(cfg: TopicConfig, rec: DeviceRecord): Record<string, unknown> {
  const { info } = rec;
  const base = info.uniqueIdBase ?? info.id;
  const cmps: Record<string, Record<string, unknown>> = {};
  for (const reg of rec.registers) cmps[reg.key] = component(cfg, info.id, base, reg);
  cmps.connectivity = {
    p: 'sensor',
    uniq_id: uniqueId(base, 'connectivity'),
    name: 'Status',
    stat_t: deviceTopic(cfg, info.id, 'status'),
    val_tpl: '{{ value_json.state }}',
    json_attr_t: deviceTopic(cfg, info.id, 'status'),
    ent_cat: 'diagnostic',
    avty: [{ t: `${cfg.bridge}/status`, val_tpl: BRIDGE_AVAILABILITY_TEMPLATE }],
  };
  return {
    dev: {
      ids: [`wattwire_${info.id}`],
      name: info.name,
      ...(info.manufacturer ? { mf: info.manufacturer } : {}),
      ...(info.model ? { mdl: info.model } : {}),
      ...(info.serialNumber ? { sn: info.serialNumber } : {}),
      ...(info.swVersion ? { sw: info.swVersion } : {}),
      via_device: BRIDGE_DEVICE_ID,
    },
    o: { name: 'Wattwire', sw: cfg.version, url: ORIGIN_URL },
    avty: [
      { t: `${cfg.bridge}/status`, val_tpl: BRIDGE_AVAILABILITY_TEMPLATE },
      { t: deviceTopic(cfg, info.id, 'status'), val_tpl: DEVICE_AVAILABILITY_TEMPLATE },
    ],
    avty_mode: 'all',
    stat_t: deviceTopic(cfg, info.id, 'state'),
    qos: 1,
    cmps,
  };
}

function component(cfg: TopicConfig, deviceId: string, uniqueIdBase: string, reg: RegisterDescriptor): Record<string, unknown> {
  const p = platformOf(reg);
  const c: Record<string, unknown> = {
    p,
    uniq_id: uniqueId(uniqueIdBase, reg.key),
    name: reg.name,
    val_tpl: `{{ value_json.${reg.key} }}`,
  };
  if (reg.deviceClass && !(p === 'sensor' && reg.type === 'enum' && reg.deviceClass !== 'enum')) c.dev_cla = reg.deviceClass;
  if (reg.unit && p !== 'select' && p !== 'switch') c.unit_of_meas = reg.unit;
  if (p === 'sensor') {
    if (reg.stateClass) c.stat_cla = reg.stateClass;
    if (reg.type === 'enum') {
      c.dev_cla = 'enum';
      c.ops = reg.options;
      delete c.unit_of_meas;
    }
    if (reg.precision !== undefined) c.sug_dsp_prc = reg.precision;
  } else {
    c.cmd_t = deviceTopic(cfg, deviceId, `set/${reg.key}`);
    c.ent_cat = reg.entityCategory ?? 'config';
    if (p === 'number') {
      const { min, max } = effectiveRange(reg);
      c.min = min;
      c.max = max;
      c.step = reg.step ?? 1;
      c.mode = 'box';
    }
    if (p === 'select') c.ops = reg.options;
    if (p === 'switch') {
      c.val_tpl = `{{ 'ON' if value_json.${reg.key} else 'OFF' }}`;
      c.stat_on = 'ON';
      c.stat_off = 'OFF';
    }
  }
  if (reg.entityCategory && p === 'sensor') c.ent_cat = reg.entityCategory;
  if (reg.icon) c.ic = reg.icon;
  if (reg.enabledByDefault === false || reg.onDemand) c.en = false;
  return c;
}
