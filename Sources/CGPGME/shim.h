// gpgme for Swift: the header plus inline wrappers for what Swift cannot import (macros).
#ifndef CGPGME_SHIM_H
#define CGPGME_SHIM_H
#include <gpgme.h>

/// The error code part of a gpgme error (drops the error source).
static inline unsigned int cgpgme_err_code(gpgme_error_t err) { return (unsigned int)gpgme_err_code(err); }

/// True when `err` means the end of a listing.
static inline int cgpgme_is_eof(gpgme_error_t err) { return gpgme_err_code(err) == GPG_ERR_EOF; }

/// True when `err` means a passphrase was needed and not given.
static inline int cgpgme_is_passphrase_error(gpgme_error_t err) {
    gpgme_err_code_t code = gpgme_err_code(err);
    return code == GPG_ERR_BAD_PASSPHRASE || code == GPG_ERR_NO_PASSPHRASE || code == GPG_ERR_CANCELED;
}

/// True when `err` means the input held no OpenPGP data gpg could use.
static inline int cgpgme_is_no_data(gpgme_error_t err) {
    gpgme_err_code_t code = gpgme_err_code(err);
    return code == GPG_ERR_NO_DATA || code == GPG_ERR_INV_DATA;
}

/// A passphrase callback that refuses every request, recording in `*hook` (an int) that one was asked for.
static inline gpgme_error_t cgpgme_refuse_passphrase(void *hook, const char *uid_hint, const char *info,
                                                      int prev_was_bad, int fd) {
    (void)uid_hint; (void)info; (void)prev_was_bad; (void)fd;
    if (hook) *(int *)hook = 1;
    return gpgme_error(GPG_ERR_CANCELED);
}

/// Loopback pinentry with a callback that always refuses: gpg never pops up a pinentry, and a key that needs a
/// passphrase fails the operation. `asked` (may be NULL) becomes 1 when gpg asked for a passphrase.
static inline gpgme_error_t cgpgme_refuse_passphrases(gpgme_ctx_t ctx, int *asked) {
    gpgme_error_t err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
    if (err) return err;
    gpgme_set_passphrase_cb(ctx, cgpgme_refuse_passphrase, asked);
    return 0;
}

/// Flags of `gpgme_op_createkey` for a passphrase-less signing key, with or without expiry.
static inline unsigned int cgpgme_create_flags(int expires) {
    unsigned int flags = GPGME_CREATE_SIGN | GPGME_CREATE_NOPASSWD;
    if (!expires) flags |= GPGME_CREATE_NOEXPIRE;
    return flags;
}

/// Flags of `gpgme_op_delete_ext` that delete a secret key too, without asking.
static inline unsigned int cgpgme_delete_flags(void) { return GPGME_DELETE_ALLOW_SECRET | GPGME_DELETE_FORCE; }

#endif
