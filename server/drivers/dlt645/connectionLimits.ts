/** Simultaneous dial-in connections, per source address and in total. */
export interface ConnectionLimitOptions {
  total: number;
  perIp: number;
}

export type ConnectionRefusal = 'max_connections' | 'max_connections_per_ip';

export class ConnectionLimits {
  private readonly byIp = new Map<string, number>();
  private count = 0;

  constructor(private readonly opts: ConnectionLimitOptions) {}

  /** Take a slot for a new connection from `ip`, or say which limit refuses it. */
  admit(ip: string): ConnectionRefusal | undefined {
    if (this.count >= this.opts.total) return 'max_connections';
    const n = this.byIp.get(ip) ?? 0;
    if (n >= this.opts.perIp) return 'max_connections_per_ip';
    this.byIp.set(ip, n + 1);
    this.count++;
    return undefined;
  }

  release(ip: string): void {
    const n = this.byIp.get(ip) ?? 0;
    if (n <= 0) return;
    if (n === 1) this.byIp.delete(ip);
    else this.byIp.set(ip, n - 1);
    this.count--;
  }
}
