"""Who a message is about, as keys: what orders one person's messages among others'."""

from __future__ import annotations

__all__ = ["user_keys"]


def user_keys(message: object) -> set[str]:
    """Every identity of the person a message names, as the translator may read it: the
    userId, the anonymousId, and each email (`traits.email`, `context.traits.email`,
    `properties.email`, the userId when it is one), case-folded as Freshsales matches them.

    Two messages that share a key are delivered in their original order, never at once: they
    may find, or create, the same person. A deal is found by name, then created when none is
    found, so the name of an identify's deal (`deal:<name>`) is a key too: two people's
    identifies naming one deal at once would both find none and make it twice.
    """
    if not isinstance(message, dict):
        return set()
    keys: set[str] = set()
    for field in ("userId", "anonymousId"):
        value = message.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool):
            keys.add(f"{field}:{value}")
    context = message.get("context")
    holders = (
        message.get("traits"),
        context.get("traits") if isinstance(context, dict) else None,
        message.get("properties"),
    )
    # A group's traits.email is its company's, not the person's: counting it too only costs
    # concurrency.
    emails = [holder.get("email") for holder in holders if isinstance(holder, dict)]
    user_id = message.get("userId")
    if isinstance(user_id, str) and "@" in user_id:
        emails.append(user_id)
    keys.update(f"email:{email.strip().casefold()}" for email in emails if isinstance(email, str))
    deals = [holder.get("deal") for holder in holders[:2] if isinstance(holder, dict)]
    names = [deal.get("name") for deal in deals if isinstance(deal, dict)]
    keys.update(f"deal:{name.strip().casefold()}" for name in names if isinstance(name, str))
    return keys
