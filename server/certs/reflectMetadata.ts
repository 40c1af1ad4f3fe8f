/**
 * @peculiar/x509 loads tsyringe, which refuses to start without Reflect metadata. The
 * `reflect-metadata` package is not a dependency, and tsyringe only stores and reads
 * constructor parameter types, so this small map-backed stand-in is enough. Import it
 * before @peculiar/x509.
 */
type MetadataStore = Map<unknown, unknown>;
const stores = new WeakMap<object, Map<string | symbol | undefined, MetadataStore>>();

function own(target: object, prop: string | symbol | undefined, create: boolean): MetadataStore | undefined {
  let byProp = stores.get(target);
  if (!byProp && create) stores.set(target, (byProp = new Map()));
  let store = byProp?.get(prop);
  if (!store && create && byProp) byProp.set(prop, (store = new Map()));
  return store;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object, prop?: string | symbol) => {
    own(target, prop, true)?.set(key, value);
  };
  reflect.getOwnMetadata = (key: unknown, target: object, prop?: string | symbol) => own(target, prop, false)?.get(key);
  reflect.getMetadata = (key: unknown, target: object, prop?: string | symbol): unknown => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const store = own(t, prop, false);
      if (store?.has(key)) return store.get(key);
    }
    return undefined;
  };
}
