"""Who may post to the relay: Segment's write key, and Segment's webhook signature.

- Tracking API (`/v1/...`): HTTP Basic auth whose username is the write key and whose password
  is empty, as Segment's libraries send it.
- Webhooks destination (`/webhook`): with a shared secret, Segment signs each request with
  `X-Signature`, the hex HMAC-SHA1 of the request body keyed by the secret; without one, the
  request must carry the write key as for the Tracking API (the destination can add headers).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass, field

__all__ = ["Auth"]


@dataclass(frozen=True)
class Auth:
    """The relay's credentials; `repr` shows neither."""

    write_key: str = field(repr=False)
    webhook_secret: str | None = field(default=None, repr=False)

    def write_key_matches(self, authorization: str | None) -> bool:
        """Whether an `Authorization: Basic ...` header names the write key."""
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        username = decoded.partition(b":")[0]
        return hmac.compare_digest(username, self.write_key.encode())

    def webhook_signed(self, body: bytes, signature: str | None) -> bool:
        """Whether `signature` is the body's HMAC-SHA1 under the shared secret."""
        if self.webhook_secret is None or signature is None:
            return False
        digest = hmac.new(self.webhook_secret.encode(), body, hashlib.sha1).hexdigest()
        return hmac.compare_digest(digest.encode(), signature.strip().lower().encode())
