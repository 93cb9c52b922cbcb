/**
 * Training progress: on a terminal a bar that moves per batch and one summary line per epoch; in a
 * log (not a terminal) only the summary lines, so CI logs stay readable.
 */
import { describe, expect, it } from 'vitest';
import { trainingProgress } from '../../src/train/progress.ts';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write: (s: string) => {
      chunks.push(s);
      return true;
    },
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

const batches = (p: ReturnType<typeof trainingProgress>) => {
  for (let b = 1; b <= 3; b++) p.onBatch({ epoch: 1, batch: b, batches: 3, loss: 1 / b, accuracy: 0.5, seconds: b / 10 });
  p.onEpoch({ epoch: 1, epochs: 2, loss: 0.5, accuracy: 0.5, valAccuracy: 0.75, seconds: 0.3 });
};

describe('training progress', () => {
  it('not a terminal: one plain line per epoch, no bar, no escape codes', () => {
    const s = fakeStream(false);
    batches(trainingProgress(s.stream));
    expect(s.text()).toBe('train epoch  1/2  loss 0.5000  acc 50.0%  val acc 75.0%  0.3 s\n');
  });

  it('a terminal: a bar with batches, loss and accuracy while the epoch runs, then the epoch line', () => {
    const s = fakeStream(true);
    batches(trainingProgress(s.stream));
    const text = s.text();
    expect(text).toMatch(/train epoch 1 \[[^\]]*\] \d\/3 batches {2}loss [\d.]+ acc 50\.0%/);
    expect(text.trimEnd().endsWith('train epoch  1/2  loss 0.5000  acc 50.0%  val acc 75.0%  0.3 s')).toBe(true);
  });
});
