"""POST /<entity>/bulk_upsert queues a job; GET /job_statuses/<id> reports it.

Jobs run lazily: before every request (API or admin), under the state lock, the jobs the fake
clock has reached are run, so any answer that reads an account sees their records.

A job may be given a fault: forced by the `X-Fake-Bulk-Fault` header (`fail`, `partial`) of
its bulk upsert, or drawn from the fault config's `bulk_fail_rate` and `bulk_partial_rate`.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..harness.faults import parse_forced_job
from ..models import bulk, operations
from ..models.entities import Entity
from ..models.errors import route_not_found
from .common import CLASSIC_ROOT, SUITE_ROOT, api_call, backend, json_body, respond

bp = Blueprint("bulk", __name__)


@bp.before_app_request
def run_due_jobs() -> None:
    backend().run_due_jobs()


def bulk_upsert(entity: Entity) -> Response:
    call = api_call()
    # The route exists where the single upsert's does (leads: the leads_upsert switch), and
    # that is settled before the body is read, as for the single upsert.
    operations.check_upsert(call.account, entity, classic=call.classic)
    body = json_body()
    forced = request.headers.get("X-Fake-Bulk-Fault")
    fault = parse_forced_job(forced) if forced is not None else call.backend.faults.decide_job()
    job = call.backend.bulk.queue(
        call.account, entity, body, now=call.now, classic=call.classic, fault=fault
    )
    root = CLASSIC_ROOT if call.classic else SUITE_ROOT
    url = f"{request.host_url.rstrip('/')}{root}/job_statuses/{job.id}"
    return respond({"job_status_url": url, "message": bulk.QUEUED_MESSAGE}, 202)


def job_status(job_id: int) -> Response:
    call = api_call()
    job = call.backend.bulk.find(call.account, job_id)
    if job is None:
        # [I] No real answer for an unknown job was found: the unknown-route one.
        raise route_not_found()
    per_record = call.account.variants.bulk_results == "records"
    return respond(job.describe(call.backend.clock.zone, per_record=per_record))


bp.add_url_rule("/<entity:entity>/bulk_upsert", "bulk_upsert", bulk_upsert, methods=["POST"])
bp.add_url_rule("/job_statuses/<int:job_id>", "job_status", job_status)
