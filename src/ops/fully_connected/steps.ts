/** The fully connected family's IR op and step kinds. */
import type { Activation } from '../../ir/graph.ts';
import type { ActivationRange } from '../../kernels/types.ts';

export interface FullyConnectedOps {
  fully_connected: { activation: Activation };
}

export interface FullyConnectedStep {
  kind: 'fully_connected_s8';
  input: number;
  output: number;
  weights: number;
  bias: number; // -1: none
  batches: number;
  accumDepth: number;
  outputDepth: number;
  inputOffset: number;
  filterOffset: number;
  outputOffset: number;
  activation: ActivationRange;
  multiplier: Int32Array; // one entry when per tensor
  shift: Int32Array;
  perChannel: boolean;
}

/** Packed int4 weights: the weights tensor holds the values, its packed bytes go to C. */
export interface FullyConnectedS4Step extends Omit<FullyConnectedStep, 'kind'> {
  kind: 'fully_connected_s4';
}

/** int16 activations (zero points 0) with int8 weights; an int64 bias takes the reduced multiplier. */
export interface FullyConnectedS16Step extends Omit<FullyConnectedStep, 'kind'> {
  kind: 'fully_connected_s16';
  biasIs32: boolean;
}

export interface FullyConnectedSteps {
  fully_connected_s8: FullyConnectedStep;
  fully_connected_s4: FullyConnectedS4Step;
  fully_connected_s16: FullyConnectedS16Step;
}
