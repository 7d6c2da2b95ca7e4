"""Two-factor secrets encrypted at rest (ACC-09, GDPR-11).

allauth keeps TOTP keys and the recovery-code seed in ``mfa.Authenticator.data``; this adapter
encrypts them with the personal-data field keys, so a
copy of the database alone cannot produce a second factor.
"""

from allauth.mfa.adapter import DefaultMFAAdapter

from hostledger.core.crypto import TOKEN_PREFIX, decrypt_text, encrypt_text


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        if encrypted_text.startswith(TOKEN_PREFIX):
            return decrypt_text(encrypted_text)
        return encrypted_text  # written before encryption was configured
