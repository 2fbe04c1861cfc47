// CBLAS from OpenBLAS (Debian: libopenblas-dev, pthread build).
#include <cblas.h>
