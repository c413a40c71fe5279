import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu } from '../accelerated/device';
import { TABLE } from './table';
import { runTwin } from './twin';

/** Per row: each bad input raises its exact message, from the reference and from the twin path. */
afterAll(releaseGpu);

describe.each(TABLE.map((row) => [row.id, row] as const))('%s', (_, row) => {
  it('lists error inputs', () => expect(row.errors.length).toBeGreaterThan(0));

  it.each(row.errors.map((e) => [e.title, e] as const))('reference rejects %s', (_, e) => {
    expect(() => row.reference.forward(e.sample.inputs, e.sample.params)).toThrow(e.message);
    for (const variant of Object.values(row.variants ?? {})) {
      expect(() => variant.forward(e.sample.inputs, e.sample.params)).toThrow(e.message);
    }
  });

  if (row.twin) {
    it.each(row.errors.map((e) => [e.title, e] as const))('twin rejects %s', async (_, e) => {
      await expect(runTwin(row, e.sample)).rejects.toThrow(e.message);
    });
  }
});
