/**
 * The CMSIS-NN backend keeps the portable kernel for some layers because it runs them in fewer
 * instructions (the `portableIsFaster` rules of the op families, DSP path). This measures every such
 * choice again: each model is also built with CMSIS-NN wherever it has a kernel, and the two per-layer
 * instruction counts are printed side by side. A rule whose portable kernel is not faster is flagged.
 */
import { join } from 'node:path';
import { emitModelFolder } from '../src/codegen/emit-folder.ts';
import { readManifest } from '../src/formats/manifest.ts';
import type { Graph } from '../src/ir/graph.ts';
import { type Budget, measureBudget } from '../src/report/budget.ts';

export interface ChosenFolder {
  name: string;
  graph: Graph;
  /** The cmsis-nn folder as compiled (rules applied) for cortex-m4, and its budget. */
  dir: string;
  budget: Budget;
}

const TARGET = 'cortex-m4';

export async function benchKernelChoices(folders: ChosenFolder[], work: string): Promise<void> {
  console.log(`\nCMSIS-NN backend on ${TARGET} (DSP path): layers where the portable kernel runs because it measured faster, measured again (executed instructions per layer):`);
  console.log(`${'model / layer'.padEnd(52)}${'portable kernel'.padEnd(34)}${'instr'.padStart(10)}${'CMSIS-NN kernel'.padStart(34)}${'instr'.padStart(10)}${'ratio'.padStart(7)}`);
  let wrong = 0;
  for (const f of folders) {
    const m = readManifest(f.dir);
    if (!m.steps.some((s) => s.library === 'portable')) continue;
    const dir = join(work, `${f.name.replace(/\W/g, '_')}-cmsis-everywhere`);
    await emitModelFolder(f.graph, dir, { backend: 'cmsis-nn', target: TARGET, cmsisEverywhere: true });
    const everywhere = readManifest(dir);
    const b = await measureBudget(dir, TARGET);
    for (const s of m.steps) {
      const other = everywhere.steps[s.index];
      if (s.library !== 'portable' || other?.library !== 'cmsis-nn') continue;
      const mine = f.budget.instructions.per_layer[s.index]!.instructions;
      const theirs = b.instructions.per_layer[s.index]!.instructions;
      const flag = mine < theirs ? '' : '  <- not faster: the rule is wrong';
      if (flag) wrong++;
      console.log(
        `${`${f.name} / ${s.layer}`.slice(0, 51).padEnd(52)}${s.kernel.padEnd(34)}${String(mine).padStart(10)}${other.kernel.padStart(34)}${String(theirs).padStart(10)}${(mine / theirs).toFixed(2).padStart(7)}${flag}`,
      );
    }
  }
  console.log(wrong === 0 ? 'every portable choice measured faster' : `${wrong} portable choice(s) measured slower: revisit their portableIsFaster rules`);
}
