/* Runs the cycle-model microbenchmarks (test/e2e/cycles.test.ts) once each, then exits through semihosting. */
void bench_v6m_all(void);
void bench_v7m_all(void);
void bench_dsp_all(void);

int main(void)
{
    bench_v6m_all();
#if defined(BENCH_V7M)
    bench_v7m_all();
#endif
#if defined(BENCH_DSP)
    bench_dsp_all();
#endif
    return 0;
}
