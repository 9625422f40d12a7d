// Shuffle sharding as upstream's k8s.io/apiserver pkg/util/shufflesharding: a flow's 64-bit hash
// deals it a hand of distinct queues, so two flows rarely share their whole hand.
import { createHash } from 'node:crypto';

export const MAX_HASH_BITS = 60;

export function requiredEntropyBits(deckSize: number, handSize: number): number {
  return Math.ceil(Math.log2(deckSize) * handSize);
}

/** The queue indices of a flow's hand, in deal order. Assumes 0 < handSize <= deckSize. */
export function dealHand(hash: bigint, deckSize: number, handSize: number): number[] {
  const remainders: number[] = [];
  let h = hash;
  for (let i = 0; i < handSize; i++) {
    const d = BigInt(deckSize - i);
    remainders.push(Number(h % d));
    h /= d;
  }
  // Each remainder picks among the cards not yet dealt: shift it past the earlier picks.
  const hand: number[] = [];
  for (let i = 0; i < handSize; i++) {
    let card = remainders[i]!;
    for (let j = i; j > 0; j--) if (card >= remainders[j - 1]!) card++;
    hand.push(card);
  }
  return hand;
}

/** hashFlowID: the first 8 bytes, little-endian, of sha256(flowSchemaName NUL distinguisher). */
export function hashFlowID(flowSchema: string, distinguisher: string): bigint {
  const sum = createHash('sha256').update(flowSchema).update(Buffer.from([0])).update(distinguisher).digest();
  return sum.readBigUInt64LE(0);
}
