// LAPACKE (Debian: liblapacke-dev). Debian's OpenBLAS ships no LAPACKE of its own.
// C99 _Complex does not import into Swift; only the real-valued routines are used.
#define LAPACK_COMPLEX_STRUCTURE
#include <lapacke.h>
