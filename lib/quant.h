/* quant: what a quantization name says about its size, so that reports
 * order quantizations from the smallest to the largest. */
#ifndef TB_QUANT_H
#define TB_QUANT_H

/*
 * The approximate bits per weight of a quantization named as llama.cpp
 * (GGUF: Q2_K, IQ4_XS, Q4_K_M, Q8_0, BF16, ...) or MLX (4bit, "6-bit",
 * mxfp4) name them, case and separators ignored; NAN for a name it does
 * not know.  The figures are llama.cpp's published bits per weight for
 * its types and bits + 0.5 (the group scales) for MLX's.
 */
double quant_bits(const char *name);

/* Orders two quantization names: by bits per weight, known names before
 * unknown ones, then alphabetically.  strcmp's sign convention. */
int quant_cmp(const char *a, const char *b);

#endif
