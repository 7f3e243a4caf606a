// gpgme for Swift: the header plus inline wrappers for what Swift cannot import (macros).
#ifndef CGPGME_SHIM_H
#define CGPGME_SHIM_H
#include <gpgme.h>
#endif
