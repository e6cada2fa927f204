import type { Message, ServerFrame } from '@parley/protocol';
import type { Bus } from '../platform/bus';

/** Bus topic of everything a person's sockets must see: their messages, read receipts. */
export function personTopic(personId: string): string {
  return `person.${personId}`;
}

/** Bus topic of the business side of conversations: messages, read receipts and typing from people. */
export function businessTopic(businessId: string): string {
  return `business.${businessId}`;
}

/**
 * What travels on a person or business topic: a frame for each socket of that side, except
 * `skipSocket` (the socket a send came from: it gets the ack instead; the one that marked a read).
 */
export interface DeliveryEvent {
  readonly frame: ServerFrame;
  readonly skipSocket?: string;
}

/** A socket as the hub sees it. */
export interface Subscriber {
  readonly id: string;
  readonly personId: string;
  /** `render()` is `frame` as JSON, made once (and only if some socket writes it) for every socket of the person. */
  deliver(event: DeliveryEvent, render: () => string): void;
}

/**
 * `frame` as JSON, made at the first call only. A closure returned from here has no name for tsx
 * to give it per message with Object.defineProperty (bench/README.md, "Hidden classes made per request").
 */
function jsonOnce(frame: unknown): () => string {
  let text: string | undefined;
  return () => (text ??= JSON.stringify(frame));
}

/**
 * The sockets of this node, grouped by person, with one bus subscription per person rather
 * than one per socket; a frame is serialized once however many sockets receive it.
 */
export class DeliveryHub<S extends Subscriber> {
  readonly #people = new Map<string, { sockets: Set<S>; unsubscribe: () => void }>();
  /** Agent-console sockets that joined a business's inbox (`inbox.join`), by business. */
  readonly #businesses = new Map<string, { sockets: Set<S>; unsubscribe: () => void }>();

  constructor(private readonly bus: Bus) {}

  /** Also deliver the business side of the gateway (businessTopic) to this socket. */
  attachBusiness(socket: S, businessId: string): void {
    let business = this.#businesses.get(businessId);
    if (!business) {
      const sockets = new Set<S>();
      const unsubscribe = this.bus.subscribe(businessTopic(businessId), (payload) => {
        const event = payload as DeliveryEvent;
        const render = jsonOnce(event.frame);
        for (const subscriber of sockets) subscriber.deliver(event, render);
      });
      business = { sockets, unsubscribe };
      this.#businesses.set(businessId, business);
    }
    business.sockets.add(socket);
  }

  detachBusiness(socket: S, businessId: string): void {
    const business = this.#businesses.get(businessId);
    if (!business?.sockets.delete(socket)) return;
    if (business.sockets.size === 0) {
      business.unsubscribe();
      this.#businesses.delete(businessId);
    }
  }

  attach(socket: S): void {
    let person = this.#people.get(socket.personId);
    if (!person) {
      const sockets = new Set<S>();
      const unsubscribe = this.bus.subscribe(personTopic(socket.personId), (payload) => {
        const event = payload as DeliveryEvent;
        const render = jsonOnce(event.frame);
        for (const subscriber of sockets) subscriber.deliver(event, render);
      });
      person = { sockets, unsubscribe };
      this.#people.set(socket.personId, person);
    }
    person.sockets.add(socket);
  }

  detach(socket: S): void {
    for (const businessId of [...this.#businesses.keys()]) this.detachBusiness(socket, businessId);
    const person = this.#people.get(socket.personId);
    if (!person?.sockets.delete(socket)) return;
    if (person.sockets.size === 0) {
      person.unsubscribe();
      this.#people.delete(socket.personId);
    }
  }

  /**
   * One frame to every local socket of each person named (a bank notice to its followers),
   * serialized once for all of them. Answers how many of the people had a socket here.
   */
  deliverToPeople(personIds: Iterable<string>, frame: ServerFrame): number {
    const event: DeliveryEvent = { frame };
    let text: string | undefined;
    const render = (): string => (text ??= JSON.stringify(frame));
    let reached = 0;
    for (const personId of personIds) {
      const person = this.#people.get(personId);
      if (!person) continue;
      reached += 1;
      for (const subscriber of person.sockets) subscriber.deliver(event, render);
    }
    return reached;
  }

  /** Whether the person has a socket open on this node now. */
  has(personId: string): boolean {
    return this.#people.has(personId);
  }

  /** Every socket attached now, for heartbeats, session checks and shutdown. */
  *sockets(): IterableIterator<S> {
    for (const person of this.#people.values()) yield* person.sockets;
  }
}

/** Publish a stored message to the person's sockets (but `skipSocket`, which got an ack) and to the business side. */
export function publishMessage(
  bus: Bus,
  options: { personId: string; businessId: string; message: Message; skipSocket?: string | undefined },
): void {
  const frame = { type: 'message', message: options.message } as const;
  bus.publish(personTopic(options.personId), options.skipSocket === undefined ? { frame } : { frame, skipSocket: options.skipSocket });
  bus.publish(businessTopic(options.businessId), { frame } satisfies DeliveryEvent);
}
