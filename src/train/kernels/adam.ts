/**
 * tfjs's Adam step as one loop per variable on the CPU backend. The stock step runs about a dozen
 * tensor ops per variable (two moments, bias corrections, square root, update), each a kernel
 * dispatch: for the small models trained here that dispatch, not the arithmetic, is its cost.
 *
 * Same state as the stock optimizer (moment variables named `<variable>/m` and `/v`, accBeta1 and
 * accBeta2, the iteration count), so getWeights/setWeights and a later stock step see no difference;
 * the arithmetic is the stock one's, in double precision rounded to float32 once per value.
 */
import * as tf from '@tensorflow/tfjs';

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** The AdamOptimizer fields the step reads and writes (its own TypeScript declarations keep them private). */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  incrementIterations(): void;
}

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

function fusedAdamStep(opt: AdamState, variableGradients: Gradients): void {
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  // Stock: sub(1, accBeta), in float32.
  const c1 = Math.fround(1 - opt.accBeta1.dataSync()[0]!);
  const c2 = Math.fround(1 - opt.accBeta2.dataSync()[0]!);
  const { beta1, beta2, epsilon: eps, learningRate: lr } = opt;
  tf.tidy(() => {
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      opt.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      opt.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (gradient == null) return;
      const mVar = opt.accumulatedFirstMoment[i]!.variable;
      const vVar = opt.accumulatedSecondMoment[i]!.variable;
      const g = gradient.dataSync();
      const m = mVar.dataSync();
      const v = vVar.dataSync();
      const x = value.dataSync();
      const n = x.length;
      const nm = new Float32Array(n);
      const nv = new Float32Array(n);
      const nx = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        nm[k] = m[k]! * beta1 + g[k]! * (1 - beta1);
        nv[k] = v[k]! * beta2 + g[k]! * g[k]! * (1 - beta2);
        nx[k] = (nm[k]! / c1 / (Math.sqrt(nv[k]! / c2) + eps)) * -lr + x[k]!;
      }
      mVar.assign(tf.tensor(nm, mVar.shape));
      vVar.assign(tf.tensor(nv, vVar.shape));
      value.assign(tf.tensor(nx, value.shape));
    });
    opt.accBeta1.assign(tf.scalar(opt.accBeta1.dataSync()[0]! * beta1));
    opt.accBeta2.assign(tf.scalar(opt.accBeta2.dataSync()[0]! * beta2));
  });
  opt.incrementIterations();
}

/** Every variable, gradient and moment float32 on the CPU backend (else the stock step runs). */
function covered(opt: AdamState, variableGradients: Gradients): boolean {
  if (tf.getBackend() !== 'cpu') return false;
  const entries = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor] as const) : Object.entries(variableGradients);
  return entries.every(([name, g], i) => {
    const value = tf.engine().registeredVariables[name];
    const moments = [opt.accumulatedFirstMoment[i]?.variable, opt.accumulatedSecondMoment[i]?.variable];
    return value?.dtype === 'float32' && (g == null || g.dtype === 'float32') && moments.every((t) => t === undefined || t.dtype === 'float32');
  });
}

let installed = false;

/** Routes AdamOptimizer's step to the fused loop, process-wide (idempotent). */
export function installFastAdam(): void {
  if (installed) return;
  installed = true;
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients(this: AdamState, g: Gradients): void };
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamState, variableGradients: Gradients) {
    if (covered(this, variableGradients)) fusedAdamStep(this, variableGradients);
    else original.call(this, variableGradients);
  };
}
