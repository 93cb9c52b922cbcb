/**
 * `edgec cycles ELF --core C --begin SYM --end SYM`: estimated cycles between two symbols of any
 * ELF (run in QEMU with edgec's plugin, costed with the core's model), so the estimator can be
 * checked on code that is not edgec's. Also the cycle options `edgec budget` shares.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fail } from '../support/diagnostics.ts';
import { type CliContext, parseInteger, parsePositive } from './options.ts';

export interface CycleOptionValues {
  clockMhz?: string;
  flashWaitStates?: string;
  flashPrefetch?: string;
  flashDataCache?: string;
}

export function addCycleOptions(cmd: Command): Command {
  return cmd
    .option('--clock-mhz <f>', 'core clock for the estimated milliseconds (default 64)')
    .option('--flash-wait-states <n>', 'wait states of each instruction fetch and data load from the flash region (default 0)')
    .option('--flash-prefetch <p>', 'fraction 0..1 of the instruction-fetch wait states hidden by prefetch or an instruction cache (default 0)')
    .option('--flash-data-cache <d>', 'fraction 0..1 of the data-load (constants, weights) wait states hidden by a flash data cache (default 0)');
}

function parseFraction(value: string | undefined, option: string): number {
  if (value === undefined) return 0;
  const v = /^(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : NaN;
  if (!(v >= 0 && v <= 1)) fail('E-CLI-OPTION', 'cli', `${option} must be a number from 0 to 1, not '${value}'`, { field: option });
  return v;
}

export function parseCycleOptions(o: CycleOptionValues): { clockMhz: number; flashWaitStates: number; flashPrefetch: number; flashDataCache: number } {
  return {
    clockMhz: o.clockMhz === undefined ? 64 : parsePositive(o.clockMhz, '--clock-mhz', 2000),
    flashWaitStates: o.flashWaitStates === undefined ? 0 : parseInteger(o.flashWaitStates, '--flash-wait-states', 0, 15),
    flashPrefetch: parseFraction(o.flashPrefetch, '--flash-prefetch'),
    flashDataCache: parseFraction(o.flashDataCache, '--flash-data-cache'),
  };
}

const int = (v: number) => Math.round(v).toLocaleString('en-US');

export function registerCyclesCommand(program: Command, ctx: CliContext): void {
  addCycleOptions(
    program
      .command('cycles <elf>')
      .description("estimated cycles (a model of the core, not a measurement) between two symbols of an ELF, run in QEMU with edgec's plugin")
      .requiredOption('--core <name>', 'the core whose timing model costs the run (cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55)')
      .requiredOption('--begin <symbol>', 'start counting at the first execution of this symbol')
      .requiredOption('--end <symbol>', 'stop when this symbol is first reached'),
  )
    .option('--run-dir <dir>', "QEMU's working directory, where the program's semihosting files are (default: an empty scratch folder)")
    .option('--json', 'print JSON')
    .action(async (elf: string, opts: CycleOptionValues & { core: string; begin: string; end: string; runDir?: string; json?: boolean }) => {
      const options = parseCycleOptions(opts);
      const { coreModel } = await import('../report/cycles/cores.ts');
      coreModel(opts.core);
      if (!existsSync(elf)) fail('E-CLI-INPUT', 'cli', 'no such file', { file: elf });
      const { estimateElfCycles } = await import('../report/cycles/run.ts');
      const { cyclesToMs } = await import('../report/cycles/estimate.ts');
      if (opts.runDir !== undefined && !existsSync(opts.runDir)) fail('E-CLI-INPUT', 'cli', 'no such folder', { file: opts.runDir, field: '--run-dir' });
      const r = await estimateElfCycles(elf, opts.core, opts.begin, opts.end, options, opts.runDir);
      const t = r.estimate.total;
      const ms = cyclesToMs(t.cycles, options.clockMhz);
      if (r.note) ctx.log(`note: ${r.note}`);
      if (opts.json) {
        const data = {
          core: r.core,
          runner: r.runner,
          begin: { symbol: r.begin.symbol, address: r.begin.address },
          end: { symbol: r.end.symbol, address: r.end.address },
          clock_mhz: options.clockMhz,
          flash_wait_states: options.flashWaitStates,
          flash_prefetch: options.flashPrefetch,
          flash_data_cache: options.flashDataCache,
          instructions: t.instructions,
          estimated_cycles: Math.round(t.cycles),
          estimated_core_cycles: Math.round(t.coreCycles),
          estimated_flash_fetch_cycles: Math.round(t.fetchStall),
          estimated_flash_data_cycles: Math.round(t.dataStall),
          estimated_ms: ms,
          branches_taken: t.branchesTaken,
          branches_not_taken: t.branchesNotTaken,
          flash_loads: t.flashLoads,
          unknown_mnemonics: r.estimate.unknown,
          approximation: r.model.approximation,
          model_choices: r.model.choices,
          note: 'estimated cycles: a model of the core from published instruction timings, not a measurement',
        };
        ctx.out(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      const lines = [
        `Estimated cycles of ${opts.begin} .. ${opts.end} on ${r.core} (a model from published instruction timings, not a measurement):`,
        `  executed instructions      ${int(t.instructions)}`,
        `  estimated cycles           ${int(t.cycles)}  (core ${int(t.coreCycles)}, flash wait states: fetch ${int(t.fetchStall)}, data ${int(t.dataStall)})`,
        `  estimated time             ${ms.toPrecision(4)} ms at ${options.clockMhz} MHz`,
        `  estimated cycles/instr.    ${t.instructions > 0 ? (t.cycles / t.instructions).toFixed(3) : 'n/a'}`,
        `  branches                   ${int(t.branchesTaken)} taken, ${int(t.branchesNotTaken)} not taken`,
        ...(r.estimate.unknown.length > 0 ? [`  unmodelled (1 cycle each)  ${r.estimate.unknown.map((u) => `${u.mnemonic} x${u.executed}`).join(', ')}`] : []),
        ...(r.model.approximation ? [`  approximation: ${r.model.approximation}`] : []),
      ];
      ctx.out(`${lines.join('\n')}\n`);
    });
}
