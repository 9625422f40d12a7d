// Per-message functions built on first use. Generated code calls `slot.fn`, so a message can
// refer to another (or to itself, as JSONSchemaProps does) before that one is built.

export interface Slot<F> { fn: F }

/** A slot per message name whose function `build` makes on the first call. */
export function lazySlots<F extends (...args: never[]) => unknown>(build: (message: string) => F): (message: string) => Slot<F> {
  const slots = new Map<string, Slot<F>>();
  return message => {
    let slot = slots.get(message);
    if (!slot) {
      const s: Slot<F> = {
        fn: ((...args: Parameters<F>) => {
          s.fn = build(message);
          return s.fn(...args);
        }) as F,
      };
      slot = s;
      slots.set(message, slot);
    }
    return slot;
  };
}

/** A generated function's name, so profiles and stack traces say which message it handles. */
export function functionName(verb: string, message: string): string {
  return `${verb}_${message.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
