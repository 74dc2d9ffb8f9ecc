import { generateKeyBetween } from 'fractional-indexing';
import { describe, expect, it } from 'vitest';
import { byPosition, placementBetween } from '../../../web/src/data/order.ts';

const item = (id: string, position: string) => ({ id, position });

describe('a move’s placement (web/src/data/order.ts)', () => {
  it('is a key strictly between the new neighbours', () => {
    const above = item('a', 'a0');
    const below = item('b', 'a1');
    const placement = placementBetween(above, below);
    expect(placement).toEqual({ position: expect.any(String) });
    const { position } = placement as { position: string };
    expect(position > 'a0' && position < 'a1').toBe(true);
  });

  it('is a key before the first at the top, and after the last at the bottom', () => {
    expect(placementBetween(undefined, item('a', 'a0'))).toEqual({ position: generateKeyBetween(null, 'a0') });
    expect(placementBetween(item('a', 'a0'), undefined)).toEqual({ position: 'a1' });
    expect(placementBetween(undefined, undefined)).toEqual({ position: 'a0' });
  });

  it('asks the server to place it after the item above when the neighbours share a key (concurrent inserts)', () => {
    expect(placementBetween(item('a', 'a0'), item('b', 'a0'))).toEqual({ after: 'a' });
  });

  it('asks the server when a neighbour’s key is not one the library can read', () => {
    expect(placementBetween(undefined, item('b', 'a10'))).toEqual({ after: null });
  });

  it('asks the server instead of sending a key longer than the API takes', () => {
    const long = `a0${'V'.repeat(126)}`;
    expect(placementBetween(item('a', long), item('b', `a0${'V'.repeat(125)}W`))).toEqual({ after: 'a' });
  });

  it('orders as the API does: by key byte-wise (Zz before a0), then by id', () => {
    const items = [item('2', 'a0'), item('1', 'a0'), item('3', 'Zz')];
    expect(items.sort(byPosition).map((i) => i.id)).toEqual(['3', '1', '2']);
  });
});
