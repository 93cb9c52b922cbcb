/*
 * Kernel symbol names. Here (the templates, the conformance builds) every kernel keeps its own name.
 * A generated folder replaces this file with its own, which renames every kernel function to
 * <model prefix>_<name>, so any number of generated folders link into one firmware image without
 * duplicate symbols, and a model never calls another folder's copy of a kernel.
 */
#ifndef EDGEC_PREFIX_H
#define EDGEC_PREFIX_H
#endif
