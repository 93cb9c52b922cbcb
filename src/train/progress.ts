/**
 * Training progress for people and for logs: on a terminal, a bar per epoch that moves with every
 * batch (loss, accuracy, elapsed seconds) and leaves one summary line when the epoch ends; anywhere
 * else (CI logs, pipes), only the summary lines, so a log stays readable.
 */
import cliProgress from 'cli-progress';
import { formatEpoch, type BatchReport, type EpochReport } from './train.ts';

export interface TrainingProgress {
  onBatch(b: BatchReport): void;
  onEpoch(e: EpochReport): void;
  /** Ends any bar still drawn (an error mid-epoch). */
  stop(): void;
}

export function trainingProgress(stream: NodeJS.WriteStream, label = 'train'): TrainingProgress {
  const write = (line: string) => stream.write(`${line}\n`);
  if (!stream.isTTY) return { onBatch: () => undefined, onEpoch: (e) => write(`${label} ${formatEpoch(e)}`), stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onBatch(b) {
      const fields = { epoch: `${b.epoch}`, loss: b.loss.toFixed(4), acc: b.accuracy === undefined ? '' : ` acc ${(100 * b.accuracy).toFixed(1)}%`, secs: b.seconds.toFixed(1) };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} epoch {epoch} [{bar}] {value}/{total} batches  loss {loss}{acc}  {secs} s`, barsize: 24, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(b.batches, 0, fields);
      }
      bar.update(b.batch, fields);
    },
    onEpoch(e) {
      stop();
      write(`${label} ${formatEpoch(e)}`);
    },
    stop,
  };
}
