"""Records as the API returns them, shaped like the recorded responses (reference §3.5-§3.6)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from .accounts import Account
from .entities import CRM_ENTITIES, DEALS, NOTES, SALES_ACCOUNTS, SALES_ACTIVITIES, Entity
from .fields import Field, Kind
from .records import Record


def timestamp(moment: float, zone: tzinfo) -> str:
    """ISO-8601 to the second with an explicit offset, as Freshsales renders `created_at`."""
    return datetime.fromtimestamp(moment, zone).isoformat(timespec="seconds")


def decimal_string(value: Decimal) -> str:
    """Rails' BigDecimal#to_s style: 50000 -> "50000.0", 12.5 -> "12.5" (reference §8, [I])."""
    text = format(value, "f")
    return text if "." in text else f"{text}.0"


def _amount(value: object) -> str | None:
    return None if value is None else decimal_string(Decimal(str(value)))


class Renderer:
    """Renders one account's records for one host (links differ between the two roots), with
    timestamps in `zone`."""

    def __init__(self, account: Account, zone: tzinfo, *, classic: bool) -> None:
        self._account = account
        self._zone = zone
        # Links are host-relative (reference §1): "/contacts/1/..." on freshsales.io,
        # "/crm/sales/contacts/1/..." on myfreshworks.com.
        self._link_root = "" if classic else "/crm/sales"

    def many(self, records: list[Record]) -> list[dict[str, Any]]:
        return [self.one(record) for record in records]

    def lookup_rows(self, records: list[Record]) -> list[dict[str, Any]]:
        """Records as GET /lookup lists them: without their links to accounts (E2, E3)."""
        rows = self.many(records)
        for row, record in zip(rows, records, strict=True):
            for name in record.entity.account_links:
                del row[name]
        return rows

    def one(self, record: Record) -> dict[str, Any]:
        entity = record.entity
        body: dict[str, Any] = {"id": record.id}
        for spec in entity.fields:
            if not spec.write_only:
                body[spec.name] = self._value(record, spec, record.values)
        if entity.is_person:
            names = [record.values.get(key) for key in ("first_name", "last_name")]
            full = " ".join(name for name in names if name)
            body["display_name"] = full or record.primary_email
        if entity in CRM_ENTITIES:
            body["custom_field"] = {
                name: record.custom.get(name) for name in self._account.custom_fields(entity)
            }
            body["links"] = self._links(entity, record.id)
            body["is_deleted"] = False
        if entity is SALES_ACCOUNTS:
            body.update(self._open_deals(record))
        if entity is DEALS:
            body["contact_ids"] = list(record.contact_ids)
        if entity in (SALES_ACTIVITIES, NOTES):
            body["creater_id"] = self._account.user["id"]
        body["created_at"] = timestamp(record.created_at, self._zone)
        body["updated_at"] = timestamp(record.updated_at, self._zone)
        return body

    def _value(self, record: Record, spec: Field, values: dict[str, Any]) -> Any:
        kind = spec.kind
        value = values.get(spec.name)
        if kind is Kind.EMAIL:
            return record.primary_email
        if kind is Kind.EMAILS:
            return [
                {
                    "id": email.id,
                    "value": email.value,
                    "is_primary": email.is_primary,
                    "label": email.label,
                    "_destroy": False,
                }
                for email in record.emails
            ]
        if kind is Kind.PRIMARY_ACCOUNT:
            return record.primary_account_id
        if kind is Kind.ACCOUNT_LINKS:
            return [self._account_link(link.id, link.is_primary) for link in record.accounts]
        if kind is Kind.AMOUNT:
            return _amount(value)
        if kind is Kind.TAGS:
            return list(value or [])
        if kind is Kind.OBJECT:
            nested = value or {}
            return {child.name: self._value(record, child, nested) for child in spec.nested}
        return value

    def _account_link(self, account_id: int, is_primary: bool) -> dict[str, Any]:
        account = self._account.store.find(SALES_ACCOUNTS, account_id)
        name = account.values.get("name") if account else None
        return {"id": account_id, "name": name, "is_primary": is_primary, "partial": True}

    def _links(self, entity: Entity, record_id: int) -> dict[str, str]:
        base = f"{self._link_root}/{entity.plural}/{record_id}"
        return {"notes": f"{base}/notes?include=creater", "activities": f"{base}/activities"}

    def _open_deals(self, account: Record) -> dict[str, Any]:
        deals = self._account.store.deals_of(account)
        total = sum((Decimal(str(deal.values.get("amount", 0))) for deal in deals), Decimal(0))
        return {"open_deals_amount": decimal_string(total), "open_deals_count": len(deals)}
