/**
 * The conformance table's rows: every op family's adapter. One file per family in ./ops, each
 * mapping case fields onto the TS reference kernel and the portable C kernel of the same name.
 */
import type { OpAdapter } from './adapter.ts';
import { addAdapters } from './ops/add.ts';
import { batchMatmulAdapters } from './ops/batch_matmul.ts';
import { convAdapters, convS16Adapters } from './ops/conv.ts';
import { fullyConnectedAdapters, fullyConnectedS16Adapters } from './ops/fully_connected.ts';
import { padAdapters } from './ops/pad.ts';
import { poolingAdapters } from './ops/pooling.ts';
import { softmaxAdapters } from './ops/softmax.ts';
import { lstmAdapters } from './ops/lstm.ts';
import { svdfAdapters } from './ops/svdf.ts';
import { transposeAdapters } from './ops/transpose.ts';

const ADAPTERS: OpAdapter[] = [...convAdapters, ...convS16Adapters, ...fullyConnectedS16Adapters, ...fullyConnectedAdapters, ...poolingAdapters, ...padAdapters, ...softmaxAdapters, ...addAdapters, ...transposeAdapters, ...batchMatmulAdapters, ...svdfAdapters, ...lstmAdapters];

export function findAdapter(op: string, actDtype: string): OpAdapter | undefined {
  return ADAPTERS.find((a) => a.op === op && a.actDtypes.includes(actDtype));
}

export function adapters(): readonly OpAdapter[] {
  return ADAPTERS;
}
