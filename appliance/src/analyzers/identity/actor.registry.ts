/**
 * The actors of a pipeline — client IPs (`ip:<address>`) and identities (`id:<identity>`) — as small integer slots,
 * so per-actor state can live in arrays indexed by slot and per-(actor, endpoint) state in a {@link PairTable}. The
 * abuse detectors and the actor-link (tracing) collector share one registry: the first of them to see a call looks
 * its client and identity up, the other reads the slots of the same call.
 *
 * Names are kept per kind in two generations, as {@link GenerationalCache} keeps them (the same names survive and are
 * evicted at the same moments); an evicted actor's slot is freed and later reused under a new serial, so state kept
 * by slot is checked against {@link ActorRegistry.serial} (or dropped through {@link ActorRegistry.onFree}).
 */

/** Names of one kind of actor in two generations. */
class ActorNames {
  young = new Map<string, number>();
  old = new Map<string, number>();
  /** Names dropped with an old generation. */
  evicted = 0;

  constructor(readonly half: number) {}

  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** Client IP and identity slots of one call. */
export interface ActorSlots {
  readonly registry: ActorRegistry;
  /** Slot of the client IP. */
  readonly ip: number;
  /** Slot of the identity, -1 for anonymous calls. */
  readonly identity: number;
}

/** Actor names ↔ slots, bounded per kind. */
export class ActorRegistry implements ActorSlots {
  readonly registry = this;
  /** Slots of the call last resolved. */
  ip = -1;
  identity = -1;
  /** Per slot: a number unique to the actor holding it (never reused), -1 while free. */
  serial = new Float64Array(1024).fill(-1);
  /** Per slot: the actor's key (`ip:…` or `id:…`). */
  readonly keys: string[] = [];
  private readonly clients: ActorNames;
  private readonly identities: ActorNames;
  private readonly free: number[] = [];
  private slots = 0;
  private serials = 0;
  private readonly listeners: Array<(slot: number) => void> = [];
  private memoTx: object | null = null;
  private memoIp = '';
  private memoIdentity = '';

  /** @param capacity most names kept per kind (at least 2; Infinity keeps all until {@link clear}) */
  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('ActorRegistry capacity must be at least 2');
    const half = Math.floor(capacity / 2);
    this.clients = new ActorNames(half);
    this.identities = new ActorNames(half);
  }

  /**
   * Looks up (creating as needed) the slots of a call's client IP and identity ('' for none) into {@link ip} and
   * {@link identity}. A second call for the same transaction, IP and identity (another analyzer on the same call)
   * only reads them.
   */
  resolve(tx: object, ip: string, identity: string): this {
    if (tx === this.memoTx && ip === this.memoIp && identity === this.memoIdentity) return this;
    this.ip = this.slotOf(this.clients, ip, 'ip:');
    this.identity = identity === '' ? -1 : this.slotOf(this.identities, identity, 'id:');
    this.memoTx = tx;
    this.memoIp = ip;
    this.memoIdentity = identity;
    return this;
  }

  /** Calls `listener` with every slot freed by an eviction or {@link clear}. */
  onFree(listener: (slot: number) => void): void {
    this.listeners.push(listener);
  }

  /** Actors held now. */
  get size(): number {
    return this.clients.size + this.identities.size;
  }

  /** Actors evicted so far. */
  get evicted(): number {
    return this.clients.evicted + this.identities.evicted;
  }

  /** Slots that may hold an actor (0 … bound − 1). */
  get slotBound(): number {
    return this.slots;
  }

  /** Forgets every actor (the eviction counts are kept). */
  clear(): void {
    for (const names of [this.clients, this.identities]) {
      this.release(names.old);
      this.release(names.young);
      names.old = new Map();
      names.young = new Map();
    }
    this.memoTx = null;
  }

  private slotOf(names: ActorNames, name: string, prefix: string): number {
    const y = names.young.get(name);
    if (y !== undefined) return y;
    const o = names.old.get(name);
    if (o !== undefined) {
      names.old.delete(name);
      this.insert(names, name, o);
      return o;
    }
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots++;
      if (slot >= this.serial.length) {
        const grown = new Float64Array(this.serial.length * 2).fill(-1);
        grown.set(this.serial);
        this.serial = grown;
      }
    }
    this.serial[slot] = this.serials++;
    this.keys[slot] = prefix + name;
    this.insert(names, name, slot);
    return slot;
  }

  private insert(names: ActorNames, name: string, slot: number): void {
    if (names.young.size >= names.half) {
      names.evicted += names.old.size;
      this.release(names.old);
      names.old = names.young;
      names.young = new Map();
    }
    names.young.set(name, slot);
  }

  private release(gen: Map<string, number>): void {
    if (gen.size === 0) return;
    this.memoTx = null;
    for (const slot of gen.values()) {
      this.serial[slot] = -1;
      this.keys[slot] = '';
      this.free.push(slot);
      for (const l of this.listeners) l(slot);
    }
  }
}
