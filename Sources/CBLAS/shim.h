#include <cblas.h>
/* OpenBLAS extension: set its thread count so it cooperates with our own threading. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* OpenBLAS extension: the kernel family it runs (OPENBLAS_CORETYPE may force one) and its build. */
char* openblas_get_corename(void);
char* openblas_get_config(void);
