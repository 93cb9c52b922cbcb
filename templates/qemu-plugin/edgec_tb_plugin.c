/*
 * edgec's QEMU TCG plugin: execution counts for the cycle estimator (src/report/cycles).
 *
 * Written for the edgec project against QEMU's stable plugin API, version 1 (QEMU 7.2). The few
 * declarations below are our own, written from the API's documented signatures; no QEMU header is
 * included or needed. Built by the toolchain with the host's gcc (-shared -fPIC) and loaded with
 *   qemu-system-arm ... -plugin edgec_tb_plugin.so,out=FILE,begin=ADDR,end=ADDR[,mark=ADDR]
 *                       [,stop=N][,flash_lo=ADDR,flash_hi=ADDR]
 *
 * What it records, while "active" (from the first execution of the instruction at `begin` until
 * the first execution of the instruction at `end`, or until `stop` marks have executed):
 *   B seg start n bytes count      a block (a run of n straight-line instructions) executed count
 *                                  times in segment seg
 *   P seg start n next count       the block (start, n) was followed by the block starting at next
 *                                  (so taken and not-taken branches can be told apart)
 *   F seg insn count               loads by the instruction at insn that read the flash region
 *                                  [flash_lo, flash_hi) (each word of an LDM counts once)
 *   S segments active end_reached  summary
 * A segment starts at every execution of the instruction at `mark` (the per-layer hook): segment k
 * is what ran after k marks. Blocks are QEMU's translation blocks (counted by a block-execution
 * callback), split where begin, end or mark fall inside one (an instruction-execution callback
 * there), so counts start and stop at exact instructions.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU plugin API, version 1: the declarations this file uses ---- */
#define EDGEC_PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef uint32_t qemu_plugin_meminfo_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb, enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb, enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb, enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
void qemu_plugin_outs(const char *string);

EDGEC_PLUGIN_EXPORT int qemu_plugin_version = 1;
EDGEC_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

/* ---- counters: one open-addressing table for blocks, pairs and flash loads ---- */
enum { KIND_BLOCK = 1, KIND_PAIR = 2, KIND_FLASH = 3 };

typedef struct {
    uint32_t kind_seg; /* kind << 24 | segment; 0 marks an empty slot */
    uint32_t a, b, c;
    uint64_t count;
} entry_t;

static entry_t *table;
static size_t table_cap, table_used;

static uint64_t mix(uint32_t k, uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = ((uint64_t)k << 32 | a) * 0x9E3779B97F4A7C15ull;
    h ^= ((uint64_t)b << 32 | c) * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 29);
}

static void table_grow(void);

static void count_add(uint32_t kind, uint32_t seg, uint32_t a, uint32_t b, uint32_t c, uint64_t n)
{
    const uint32_t ks = kind << 24 | (seg & 0xFFFFFFu);
    size_t i = (size_t)mix(ks, a, b, c) & (table_cap - 1);
    for (;;) {
        entry_t *e = &table[i];
        if (e->kind_seg == 0) {
            e->kind_seg = ks;
            e->a = a;
            e->b = b;
            e->c = c;
            e->count = n;
            if (++table_used * 2 > table_cap) {
                table_grow();
            }
            return;
        }
        if (e->kind_seg == ks && e->a == a && e->b == b && e->c == c) {
            e->count += n;
            return;
        }
        i = (i + 1) & (table_cap - 1);
    }
}

static void table_grow(void)
{
    entry_t *old = table;
    const size_t old_cap = table_cap;
    table_cap *= 2;
    table = calloc(table_cap, sizeof(entry_t));
    if (table == NULL) {
        fprintf(stderr, "edgec plugin: out of memory\n");
        exit(1);
    }
    table_used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].kind_seg != 0) {
            count_add(old[i].kind_seg >> 24, old[i].kind_seg & 0xFFFFFFu, old[i].a, old[i].b, old[i].c, old[i].count);
        }
    }
    free(old);
}

/* ---- state ---- */
typedef struct {
    uint32_t start;
    uint32_t n;
    uint32_t bytes;
} block_t;

static const char *out_path;
static uint64_t begin_addr, end_addr, mark_addr, flash_lo, flash_hi;
static uint64_t stop_after; /* 0: never */
static bool active, done, end_reached;
static uint32_t segment;
static const block_t *prev_block;

static void on_block(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    const block_t *b = udata;
    if (!active) {
        if (done || b->start != begin_addr) {
            return;
        }
        active = true;
        segment = 0;
        prev_block = NULL;
    } else if (b->start == end_addr) {
        if (prev_block != NULL) {
            count_add(KIND_PAIR, segment, prev_block->start, prev_block->n, b->start, 1);
        }
        active = false;
        done = true;
        end_reached = true;
        return;
    }
    if (prev_block != NULL) {
        count_add(KIND_PAIR, segment, prev_block->start, prev_block->n, b->start, 1);
    }
    if (mark_addr != 0 && b->start == mark_addr) {
        segment++;
        if (stop_after != 0 && segment >= stop_after) {
            active = false;
            done = true;
            return;
        }
    }
    count_add(KIND_BLOCK, segment, b->start, b->n, b->bytes, 1);
    prev_block = b;
}

static void on_load(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
    (void)vcpu;
    if (active && vaddr >= flash_lo && vaddr < flash_hi && !qemu_plugin_mem_is_store(info)) {
        count_add(KIND_FLASH, segment, (uint32_t)(uintptr_t)udata, 0, 0, 1);
    }
}

static bool splits_at(uint64_t a)
{
    return a == begin_addr || a == end_addr || (mark_addr != 0 && a == mark_addr);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    const size_t n = qemu_plugin_tb_n_insns(tb);
    size_t first = 0;
    for (size_t i = 0; i <= n; i++) {
        const bool last = i == n;
        struct qemu_plugin_insn *insn = last ? NULL : qemu_plugin_tb_get_insn(tb, i);
        const uint64_t va = last ? 0 : qemu_plugin_insn_vaddr(insn);
        if (!last && flash_hi > flash_lo) {
            /* All accesses, stores dropped in on_load: QEMU 7.2 hands stores, not loads, to a
             * callback registered for QEMU_PLUGIN_MEM_R (seen on mps2-an386), so the filter is ours. */
            qemu_plugin_register_vcpu_mem_cb(insn, on_load, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, (void *)(uintptr_t)va);
        }
        if ((last || (i > first && splits_at(va))) && i > first) {
            /* The block [first, i): one record per translation, freed never (translations are few). */
            struct qemu_plugin_insn *head = qemu_plugin_tb_get_insn(tb, first);
            struct qemu_plugin_insn *tail = qemu_plugin_tb_get_insn(tb, i - 1);
            block_t *b = malloc(sizeof(block_t));
            if (b == NULL) {
                return;
            }
            b->start = (uint32_t)(first == 0 ? qemu_plugin_tb_vaddr(tb) : qemu_plugin_insn_vaddr(head));
            b->n = (uint32_t)(i - first);
            b->bytes = (uint32_t)(qemu_plugin_insn_vaddr(tail) + qemu_plugin_insn_size(tail) - b->start);
            if (first == 0) {
                qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
            } else {
                /* A block that starts inside the translation block (at begin, end or mark). */
                qemu_plugin_register_vcpu_insn_exec_cb(head, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
            }
            first = i;
        }
    }
}

static void write_counts(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    FILE *f = fopen(out_path, "w");
    if (f == NULL) {
        qemu_plugin_outs("edgec plugin: cannot write the output file\n");
        return;
    }
    for (size_t i = 0; i < table_cap; i++) {
        const entry_t *e = &table[i];
        const uint32_t kind = e->kind_seg >> 24, seg = e->kind_seg & 0xFFFFFFu;
        if (kind == KIND_BLOCK) {
            fprintf(f, "B %" PRIu32 " %" PRIx32 " %" PRIu32 " %" PRIu32 " %" PRIu64 "\n", seg, e->a, e->b, e->c, e->count);
        } else if (kind == KIND_PAIR) {
            fprintf(f, "P %" PRIu32 " %" PRIx32 " %" PRIu32 " %" PRIx32 " %" PRIu64 "\n", seg, e->a, e->b, e->c, e->count);
        } else if (kind == KIND_FLASH) {
            fprintf(f, "F %" PRIu32 " %" PRIx32 " %" PRIu64 "\n", seg, e->a, e->count);
        }
    }
    fprintf(f, "S %" PRIu32 " %d %d\n", segment + 1u, done || active ? 1 : 0, end_reached ? 1 : 0);
    fclose(f);
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *endp = NULL;
    *v = strtoull(s, &endp, 0);
    return endp != s && *endp == '\0';
}

EDGEC_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (eq == NULL) {
            fprintf(stderr, "edgec plugin: argument without '=': %s\n", argv[i]);
            return -1;
        }
        const size_t klen = (size_t)(eq - argv[i]);
        const char *val = eq + 1;
        uint64_t *slot = NULL;
        if (klen == 3 && strncmp(argv[i], "out", 3) == 0) {
            out_path = val;
            continue;
        }
        if (klen == 5 && strncmp(argv[i], "begin", 5) == 0) slot = &begin_addr;
        else if (klen == 3 && strncmp(argv[i], "end", 3) == 0) slot = &end_addr;
        else if (klen == 4 && strncmp(argv[i], "mark", 4) == 0) slot = &mark_addr;
        else if (klen == 4 && strncmp(argv[i], "stop", 4) == 0) slot = &stop_after;
        else if (klen == 8 && strncmp(argv[i], "flash_lo", 8) == 0) slot = &flash_lo;
        else if (klen == 8 && strncmp(argv[i], "flash_hi", 8) == 0) slot = &flash_hi;
        if (slot == NULL || !parse_u64(val, slot)) {
            fprintf(stderr, "edgec plugin: bad argument %s\n", argv[i]);
            return -1;
        }
    }
    if (out_path == NULL) {
        fprintf(stderr, "edgec plugin: out=FILE is required\n");
        return -1;
    }
    table_cap = 1u << 12;
    table = calloc(table_cap, sizeof(entry_t));
    if (table == NULL) {
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, write_counts, NULL);
    return 0;
}
